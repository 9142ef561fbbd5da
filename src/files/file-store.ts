import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SNIFF_BYTES, sniffMime } from './sniff-mime.ts';

/**
 * Uploaded bytes live under DATA_DIR/files/<2 hex>/<random name>; the database holds the rest.
 * The stored name is random so nothing a user sends ends up in a path.
 */
export function filesRoot(dataDir: string): string {
  return path.join(dataDir, 'files');
}

export interface StoredBytes {
  /** Unique stored name (files.filename). */
  filename: string;
  /** Relative to the files root (files.file_path). */
  relativePath: string;
  size: number;
  sha256: string;
  mimeType: string;
}

/** Streams an upload to disk while hashing it; the file appears under its final name only when complete. */
export async function storeStream(dataDir: string, source: Readable): Promise<StoredBytes> {
  const root = filesRoot(dataDir);
  const filename = randomUUID().replaceAll('-', '');
  const relativePath = path.join(filename.slice(0, 2), filename);
  const finalPath = path.join(root, relativePath);
  const tmpDir = path.join(root, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  await mkdir(path.dirname(finalPath), { recursive: true });
  const tmpPath = path.join(tmpDir, `${filename}.part`);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  const handle = await open(tmpPath, 'wx', 0o600);
  try {
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      size += buffer.length;
      if (headLength < SNIFF_BYTES) {
        head.push(buffer.subarray(0, SNIFF_BYTES - headLength));
        headLength += Math.min(buffer.length, SNIFF_BYTES - headLength);
      }
      await handle.write(buffer);
    }
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmpPath, { force: true });
    throw error;
  }
  await rename(tmpPath, finalPath);
  return {
    filename,
    relativePath,
    size,
    sha256: hash.digest('hex'),
    mimeType: await sniffMime(Buffer.concat(head)),
  };
}

/** The absolute path of a stored file; refuses paths that would leave the files root. */
export function absolutePath(dataDir: string, relativePath: string): string {
  const root = filesRoot(dataDir);
  const full = path.resolve(root, relativePath);
  if (!full.startsWith(`${root}${path.sep}`))
    throw new Error(`stored file path leaves the files root: ${relativePath}`);
  return full;
}

export function readStream(dataDir: string, relativePath: string): Readable {
  return createReadStream(absolutePath(dataDir, relativePath));
}

export async function readBytes(dataDir: string, relativePath: string): Promise<Buffer> {
  return readFile(absolutePath(dataDir, relativePath));
}

export async function removeStored(dataDir: string, relativePath: string): Promise<void> {
  await rm(absolutePath(dataDir, relativePath), { force: true });
}
