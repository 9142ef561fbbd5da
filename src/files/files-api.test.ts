import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createTestUser, type TestUser } from '../testing/test-users.ts';
import { filesRoot } from './file-store.ts';
import { readAttachment } from './files.ts';

let t: TestApp;
let owner: TestUser;
let other: TestUser;

const PNG = Buffer.concat([
  Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  ]),
  Buffer.alloc(64, 1),
]);

beforeAll(async () => {
  t = await createTestApp({ env: { UPLOAD_MAX_BYTES: '2048' } });
  owner = await createTestUser(t);
  other = await createTestUser(t);
});

afterAll(async () => {
  await t.close();
});

function multipart(parts: { name: string; filename?: string; type?: string; content: Buffer | string }[]) {
  const boundary = '----areatestboundary';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function upload(user: TestUser, parts: Parameters<typeof multipart>[0]) {
  const body = multipart(parts);
  const res = await t.server.inject({
    method: 'POST',
    url: '/api/v1/files',
    headers: { ...user.headers, ...body.headers },
    payload: body.payload,
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are read loosely in tests
  return { status: res.statusCode, body: res.json() as Record<string, any> };
}

describe('files API', () => {
  it('stores an upload with its sha-256, a sniffed type, and serves it to the owner only', async () => {
    // The client claims text/html: the bytes say PNG, and PNG is what is recorded.
    const res = await upload(owner, [
      { name: 'file', filename: '../../etc/logo.png', type: 'text/html', content: PNG },
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'logo.png',
      mimeType: 'image/png',
      size: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
      isPublic: false,
    });
    const id = res.body['id'];
    const row = await t.ctx.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(existsSync(path.join(filesRoot(t.config.dataDir), row.file_path))).toBe(true);

    const download = await t.server.inject({
      method: 'GET',
      url: `/api/v1/files/${id}/download`,
      headers: owner.headers,
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(download.rawPayload.equals(PNG)).toBe(true);

    expect(
      (await t.server.inject({ method: 'GET', url: `/api/v1/files/${id}/download`, headers: other.headers }))
        .statusCode,
    ).toBe(404);
    expect((await t.server.inject({ method: 'GET', url: `/api/v1/files/${id}/download` })).statusCode).toBe(
      404,
    );
    expect(
      (await t.server.inject({ method: 'GET', url: `/api/v1/files/${id}`, headers: other.headers }))
        .statusCode,
    ).toBe(404);

    const attachment = await readAttachment(t.ctx.db, t.config.dataDir, owner.id, id);
    expect(attachment).toMatchObject({ filename: 'logo.png', mimeType: 'image/png', size: PNG.length });
    expect(attachment?.content.equals(PNG)).toBe(true);
    expect(await readAttachment(t.ctx.db, t.config.dataDir, other.id, id)).toBeUndefined();

    const audit = await t.ctx.db
      .selectFrom('audit_logs')
      .select('action')
      .where('entity_id', '=', id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['file.uploaded']);
  });

  it('serves a public file to anyone, text sniffed as text', async () => {
    const res = await upload(owner, [
      { name: 'public', content: 'true' },
      { name: 'file', filename: 'notes.txt', content: 'hello\nworld\n' },
    ]);
    expect(res.body).toMatchObject({ mimeType: 'text/plain', isPublic: true });
    const anonymous = await t.server.inject({
      method: 'GET',
      url: `/api/v1/files/${res.body['id']}/download`,
    });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.body).toBe('hello\nworld\n');
    expect(anonymous.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a file over the size limit with 413 and keeps nothing', async () => {
    const res = await upload(owner, [{ name: 'file', filename: 'big.bin', content: Buffer.alloc(4096, 7) }]);
    expect(res.status).toBe(413);
    expect(res.body['error']['details']['problems'][0]).toMatchObject({ path: 'file', rule: 'maxSize' });
    const rows = await t.ctx.db
      .selectFrom('files')
      .select('id')
      .where('original_filename', '=', 'big.bin')
      .execute();
    expect(rows).toEqual([]);
  });

  it('asks for the file field', async () => {
    const res = await upload(owner, [{ name: 'other', content: 'x' }]);
    expect(res.status).toBe(400);
    expect(res.body['error']['details']['problems'][0]).toMatchObject({ path: 'file', rule: 'required' });
  });

  it('soft-deletes: gone for everyone, row kept', async () => {
    const res = await upload(owner, [{ name: 'file', filename: 'a.json', content: '{"a":1}' }]);
    expect(res.body['mimeType']).toBe('application/json');
    const id = res.body['id'];
    expect(
      (await t.server.inject({ method: 'DELETE', url: `/api/v1/files/${id}`, headers: other.headers }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.server.inject({ method: 'DELETE', url: `/api/v1/files/${id}`, headers: owner.headers }))
        .statusCode,
    ).toBe(204);
    expect(
      (await t.server.inject({ method: 'GET', url: `/api/v1/files/${id}`, headers: owner.headers }))
        .statusCode,
    ).toBe(404);
    const row = await t.ctx.db
      .selectFrom('files')
      .select('deleted_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect(await readAttachment(t.ctx.db, t.config.dataDir, owner.id, id)).toBeUndefined();
  });
});
