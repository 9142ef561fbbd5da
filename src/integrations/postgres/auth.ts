import type { ServiceAuth } from '../../catalog/define.ts';
import { prop } from '../../catalog/props.ts';
import { withConnection } from './common/connect.ts';

export const postgresAuth: ServiceAuth = {
  type: 'custom',
  props: {
    connectionString: prop.secret({
      displayName: 'Connection string',
      required: true,
      description:
        'postgres://USER:PASSWORD@HOST:5432/DATABASE (add ?sslmode=require for TLS). Prefer a role with only the rights the workflows need.',
      placeholder: 'postgres://area_reader:secret@db.example.com:5432/shop?sslmode=require',
      pattern: '^postgres(ql)?://',
    }),
  },
  async test(ctx) {
    await withConnection(ctx.auth, { signal: ctx.signal, statementTimeoutMs: 10_000 }, (client) =>
      client.query('SELECT 1'),
    );
  },
};
