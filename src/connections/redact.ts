/** Every string inside a credentials object (tokens, passwords), for scrubbing messages. */
export function secretStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.length >= 4) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) secretStrings(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) secretStrings(v, out);
  }
  return out;
}

/** A provider's error message with any credential value in it replaced, so it can be stored and shown. */
export function redactMessage(message: string, credentials: unknown, keep: readonly string[] = []): string {
  let text = message;
  for (const secret of secretStrings(credentials).sort((a, b) => b.length - a.length)) {
    if (keep.includes(secret)) continue;
    text = text.split(secret).join('***');
  }
  return text.slice(0, 2000);
}
