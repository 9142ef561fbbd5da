import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes the sniffer needs (file-type reads at most this many for most formats). */
export const SNIFF_BYTES = 4100;

/**
 * The type of a file from its first bytes, never from the name or the type the client claimed:
 * a known signature wins; otherwise valid UTF-8 without control bytes is text, anything else binary.
 */
export async function sniffMime(head: Uint8Array): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  if (head.length === 0) return 'application/octet-stream';
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, trimPartialUtf8(head)));
    if (hasControlBytes(head)) return 'application/octet-stream';
    const start = text.trimStart();
    if (start.startsWith('{') || start.startsWith('[')) {
      try {
        JSON.parse(text);
        return 'application/json';
      } catch {
        // Not complete JSON (or only its head was read): plain text.
      }
    }
    return 'text/plain';
  } catch {
    return 'application/octet-stream';
  }
}

/** The head may end in the middle of a multi-byte character: cut before it. */
function trimPartialUtf8(bytes: Uint8Array): number {
  let end = bytes.length;
  for (let i = 1; i <= 3 && end - i >= 0; i += 1) {
    const b = bytes[end - i] as number;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (i < need) end -= i;
    }
    break;
  }
  return end;
}

/** Tabs, new lines, form feeds and carriage returns are text; other control bytes are not. */
function hasControlBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return true;
  }
  return false;
}
