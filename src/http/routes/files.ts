import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse, IdParams, PageQuery } from '../../accounts/schemas.ts';
import { auditFromRequest } from '../../audit/record-audit.ts';
import { readStream } from '../../files/file-store.ts';
import {
  deleteFile,
  FileView,
  fileView,
  findReadableFile,
  listFiles,
  saveUpload,
} from '../../files/files.ts';
import { authenticate, principalOf, requireAuth } from '../auth.ts';
import { AppError } from '../errors.ts';
import type { App, RouteModule } from '../route-module.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const tags = ['files'];

function isTooLarge(error: unknown): boolean {
  return (error as { code?: string })?.code === 'FST_REQ_FILE_TOO_LARGE';
}

/** `attachment` always: a stored file is never rendered by the browser as a page of this site. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const fileRoutes: RouteModule = async (root, ctx) => {
  const auth = { db: ctx.db, jwtSecret: ctx.jwtSecret };
  const read = requireAuth(auth, 'workflows:read');
  const write = requireAuth(auth, 'workflows:write');
  const maxBytes = ctx.config.uploadMaxBytes;

  const optionalUser = async (request: FastifyRequest): Promise<string | undefined> => {
    if (!request.headers.authorization && !request.headers['x-api-key']) return undefined;
    return (await authenticate(auth, request)).userId;
  };

  // Multipart parsing stays inside this plugin so other routes keep their own body parsers.
  await root.register(async (app: App) => {
    await app.register(multipart, {
      limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
    });

    app.post(
      '/api/v1/files',
      {
        schema: {
          tags,
          summary: `Upload one file (multipart field "file"; field "public"=true to share it). At most ${maxBytes} bytes`,
          consumes: ['multipart/form-data'],
          response: { 201: FileView, 413: ErrorResponse, 415: ErrorResponse, ...errors },
        },
        preHandler: write,
      },
      async (request, reply) => {
        if (!request.isMultipart()) {
          throw new AppError(
            'unsupported_media_type',
            'Send the file as multipart/form-data in the field "file"',
          );
        }
        let isPublic = false;
        let saved: Awaited<ReturnType<typeof saveUpload>> | undefined;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'field') {
              if (part.fieldname === 'public') isPublic = String(part.value) === 'true';
              continue;
            }
            if (part.fieldname !== 'file' || saved) {
              part.file.resume();
              continue;
            }
            saved = await saveUpload(
              ctx.db,
              ctx.config.dataDir,
              { userId: principalOf(request).userId, ...auditFromRequest(request) },
              {
                stream: part.file,
                filename: part.filename,
                isPublic,
                truncated: () => part.file.truncated,
                maxBytes,
              },
            );
          }
        } catch (error) {
          if (isTooLarge(error)) {
            throw new AppError('payload_too_large', `file: larger than ${maxBytes} bytes`, {
              details: {
                problems: [{ path: 'file', rule: 'maxSize', message: `must be at most ${maxBytes} bytes` }],
              },
            });
          }
          throw error;
        }
        if (!saved)
          throw AppError.invalid([
            { path: 'file', rule: 'required', message: 'send the file in the field "file"' },
          ]);
        if (isPublic && !saved.is_public) {
          // "public" came after the file part: apply it now.
          const updated = await ctx.db
            .updateTable('files')
            .set({ is_public: true })
            .where('id', '=', saved.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          saved = updated;
        }
        return reply.status(201).send(fileView(saved));
      },
    );
  });

  root.get(
    '/api/v1/files',
    {
      schema: {
        tags,
        summary: 'Your files, newest first',
        querystring: Type.Object({ ...PageQuery }),
        response: {
          200: Type.Object({
            items: Type.Array(FileView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
      preHandler: read,
    },
    async (request) =>
      listFiles(ctx.db, principalOf(request).userId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );

  root.get(
    '/api/v1/files/:id',
    {
      schema: {
        tags,
        summary: "A file's details (yours, or a public one)",
        security: [],
        params: IdParams,
        response: { 200: FileView, ...errors },
      },
    },
    async (request) =>
      fileView(await findReadableFile(ctx.db, await optionalUser(request), request.params.id)),
  );

  root.get(
    '/api/v1/files/:id/download',
    {
      schema: {
        tags,
        summary: 'The bytes of a file (yours, or a public one, signed in or not)',
        security: [],
        params: IdParams,
        response: { 200: Type.Unknown({ description: 'the file content' }), ...errors },
      },
    },
    async (request, reply) => {
      const row = await findReadableFile(ctx.db, await optionalUser(request), request.params.id);
      return reply
        .header('content-type', row.mime_type)
        .header('content-length', String(row.file_size))
        .header('content-disposition', contentDisposition(row.original_filename))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', row.is_public ? 'public, max-age=3600' : 'private, no-store')
        .send(readStream(ctx.config.dataDir, row.file_path));
    },
  );

  root.delete(
    '/api/v1/files/:id',
    {
      schema: {
        tags,
        summary: 'Delete a file (soft)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: write,
    },
    async (request, reply) => {
      await deleteFile(
        ctx.db,
        { userId: principalOf(request).userId, ...auditFromRequest(request) },
        request.params.id,
      );
      return reply.status(204).send(null);
    },
  );
};
