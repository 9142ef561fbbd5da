/**
 * Reads `read` every 25 ms until `ok` holds for what it answers, and returns that value; throws,
 * showing the last value, when it did not hold within `ms`.
 */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
