import type { Readable } from 'node:stream';
import type { Kysely, Selectable } from 'kysely';
import { type Static, Type } from 'typebox';
import { recordAudit } from '../audit/record-audit.ts';
import type { DB, FilesTable } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { readBytes, removeStored, storeStream } from './file-store.ts';

export const FileView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String({ description: 'the name it was uploaded with' }),
  mimeType: Type.String({ description: 'sniffed from the content, not taken from the client' }),
  size: Type.Integer(),
  sha256: Type.Union([Type.String(), Type.Null()]),
  isPublic: Type.Boolean(),
  createdAt: Type.String(),
});
export type FileView = Static<typeof FileView>;

export function fileView(row: Selectable<FilesTable>): FileView {
  return {
    id: row.id,
    name: row.original_filename,
    mimeType: row.mime_type,
    size: Number(row.file_size),
    sha256: row.checksum,
    isPublic: row.is_public,
    createdAt: row.created_at.toISOString(),
  };
}

export interface FileActor {
  userId: string;
  ip?: string | null;
  userAgent?: string | null;
}

/** Keeps the last path segment, drops control characters, caps the length: a display name, never a path. */
export function cleanFilename(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = [...last]
    .filter((c) => {
      const code = c.charCodeAt(0);
      return code >= 0x20 && code !== 0x7f;
    })
    .join('')
    .trim();
  return (clean || 'file').slice(0, 255);
}

/** Writes the bytes, then the row; a failed insert removes the bytes again. */
export async function saveUpload(
  db: Kysely<DB>,
  dataDir: string,
  actor: FileActor,
  upload: {
    stream: Readable;
    filename: string | undefined;
    isPublic: boolean;
    /** Whether the parser cut the stream at the size limit (checked once it ended). */
    truncated?: () => boolean;
    maxBytes?: number;
  },
): Promise<Selectable<FilesTable>> {
  const stored = await storeStream(dataDir, upload.stream);
  if (upload.truncated?.()) {
    await removeStored(dataDir, stored.relativePath);
    const limit = upload.maxBytes ?? stored.size;
    throw new AppError('payload_too_large', `file: larger than ${limit} bytes`, {
      details: { problems: [{ path: 'file', rule: 'maxSize', message: `must be at most ${limit} bytes` }] },
    });
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('files')
        .values({
          user_id: actor.userId,
          filename: stored.filename,
          original_filename: cleanFilename(upload.filename),
          mime_type: stored.mimeType,
          file_size: stored.size,
          file_path: stored.relativePath,
          checksum: stored.sha256,
          is_public: upload.isPublic,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        userId: actor.userId,
        action: 'file.uploaded',
        entityType: 'file',
        entityId: row.id,
        details: {
          name: row.original_filename,
          size: stored.size,
          mimeType: stored.mimeType,
          isPublic: row.is_public,
        },
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
      });
      return row;
    });
  } catch (error) {
    await removeStored(dataDir, stored.relativePath);
    throw error;
  }
}

/** A live file the caller owns; 404 otherwise. */
export async function findOwnedFile(
  db: Kysely<DB>,
  userId: string,
  id: string,
): Promise<Selectable<FilesTable>> {
  const row = await db
    .selectFrom('files')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw AppError.notFound('File');
  return row;
}

/** A live file the caller may read: public, or the caller's own (`userId` undefined = anonymous). */
export async function findReadableFile(
  db: Kysely<DB>,
  userId: string | undefined,
  id: string,
): Promise<Selectable<FilesTable>> {
  const row = await db
    .selectFrom('files')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where((eb) =>
      userId ? eb.or([eb('is_public', '=', true), eb('user_id', '=', userId)]) : eb('is_public', '=', true),
    )
    .executeTakeFirst();
  if (!row) throw AppError.notFound('File');
  return row;
}

export async function listFiles(
  db: Kysely<DB>,
  userId: string,
  page: { limit: number; cursor: string | undefined },
): Promise<{ items: FileView[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('files')
    .selectAll()
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null);
  if (page.cursor) query = query.where('id', '<', page.cursor);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit).map(fileView);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

/** Soft delete: the row stays (audit, references from past runs), the file is no longer served. */
export async function deleteFile(db: Kysely<DB>, actor: FileActor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await findOwnedFile(trx, actor.userId, id);
    await trx.updateTable('files').set({ deleted_at: new Date() }).where('id', '=', id).execute();
    await recordAudit(trx, {
      userId: actor.userId,
      action: 'file.deleted',
      entityType: 'file',
      entityId: id,
      details: { name: row.original_filename },
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    });
  });
}

/** An attachment as an action (the email action) needs it. */
export interface Attachment {
  filename: string;
  mimeType: string;
  size: number;
  content: Buffer;
}

/**
 * Reads a file for use as an attachment by a run of `userId`'s workflow: only that user's own
 * live files (public files of others are not attachable). Undefined when there is no such file.
 */
export async function readAttachment(
  db: Kysely<DB>,
  dataDir: string,
  userId: string,
  fileId: string,
): Promise<Attachment | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(fileId)) return undefined;
  const row = await db
    .selectFrom('files')
    .selectAll()
    .where('id', '=', fileId)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    filename: row.original_filename,
    mimeType: row.mime_type,
    size: Number(row.file_size),
    content: await readBytes(dataDir, row.file_path),
  };
}
