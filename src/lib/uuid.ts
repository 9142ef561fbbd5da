import { randomFillSync } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time and handed out 16 by 16: a call into the system's random
// source for every id cost more than the rest of making it (a run makes one id for itself and one
// for each of its steps).
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

/** A UUIDv7: 48 bits of Unix milliseconds, then random bits. Sorts by creation time, which keeps indexes compact. */
export function uuidv7(now: number = Date.now()): string {
  if (used === POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  // Each slice of the pool is used for one id only, then overwritten by the next fill.
  const bytes = pool.subarray(used, used + 16);
  used += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
