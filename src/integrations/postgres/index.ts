import { defineService } from '../../catalog/define.ts';
import { runQueryAction } from './actions/run-query.ts';
import { postgresAuth } from './auth.ts';
import { newRowTrigger } from './triggers/new-row.ts';

export const postgresService = defineService({
  key: 'postgres',
  name: 'PostgreSQL',
  description: 'Run workflows on new rows of a table and run parameterized SQL.',
  icon: 'database',
  category: 'data',
  docsUrl: 'https://www.postgresql.org/docs/current/sql.html',
  auth: postgresAuth,
  triggers: [newRowTrigger],
  actions: [runQueryAction],
  templates: [
    {
      name: 'Database role',
      description: 'A role of its own for Area, with only the rights the workflows need.',
      setupGuide:
        "CREATE ROLE area_writer LOGIN PASSWORD '...'; GRANT SELECT, INSERT ON orders TO area_writer; then paste postgres://area_writer:...@HOST:5432/DB. The server must accept connections from Area's host.",
    },
  ],
});
