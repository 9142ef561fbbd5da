import { Readable } from 'node:stream';
import { defineIsolationCases } from '../testing/isolation-cases.ts';
import { saveUpload } from './files.ts';

export const isolationCases = defineIsolationCases({
  name: 'files (private)',
  async create(t, owner) {
    const row = await saveUpload(
      t.ctx.db,
      t.config.dataDir,
      { userId: owner.id },
      {
        stream: Readable.from([Buffer.from('private notes')]),
        filename: 'notes.txt',
        isPublic: false,
      },
    );
    return row.id;
  },
  requests: (id) => [
    { method: 'GET', url: `/api/v1/files/${id}` },
    { method: 'GET', url: `/api/v1/files/${id}/download` },
    { method: 'DELETE', url: `/api/v1/files/${id}` },
  ],
  list: { url: '/api/v1/files' },
});
