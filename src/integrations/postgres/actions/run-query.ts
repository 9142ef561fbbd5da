import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { jsonRow, statement, withConnection } from '../common/connect.ts';

export const runQueryAction = defineAction({
  key: 'run_query',
  name: 'Run a query',
  description:
    'Runs one SQL statement with $1, $2, … placeholders. Parameters are sent separately and bound by the server, never pasted into the SQL.',
  props: {
    query: prop.longText({
      displayName: 'SQL',
      required: true,
      maxLength: 100_000,
      placeholder: 'INSERT INTO signups (email, plan) VALUES ($1, $2) RETURNING id',
    }),
    parameters: prop.json({
      displayName: 'Parameters',
      description: 'Values for $1, $2, … in order. Templates go here, not into the SQL.',
      placeholder: '["{{ trigger.body.email }}", "pro"]',
      schema: { type: 'array', maxItems: 1000 },
    }),
    readOnly: prop.boolean({
      displayName: 'Read only',
      description: 'Run inside a READ ONLY transaction, so the statement cannot change data.',
      default: false,
    }),
    maxRows: prop.number({
      displayName: 'Rows returned at most',
      integer: true,
      minimum: 1,
      maximum: 10_000,
      default: 1000,
    }),
  },
  output: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'SELECT, INSERT, UPDATE, ...' },
      rowCount: { type: ['integer', 'null'], description: 'Rows returned or affected' },
      rows: { type: 'array', items: { type: 'object' } },
      columns: { type: 'array', items: { type: 'string' } },
      truncated: { type: 'boolean', description: 'More rows came back than Rows returned at most' },
    },
    required: ['command', 'rowCount', 'rows', 'columns', 'truncated'],
  },
  sampleOutput: {
    command: 'INSERT',
    rowCount: 1 as number | null,
    rows: [{ id: 1042 }] as Record<string, unknown>[],
    columns: ['id'],
    truncated: false,
  },
  async run(ctx) {
    const { query, readOnly } = ctx.props;
    const parameters = ctx.props.parameters ?? [];
    if (!Array.isArray(parameters)) throw new Error('PostgreSQL: parameters must be a JSON array');
    const maxRows = ctx.props.maxRows ?? 1000;
    return withConnection(ctx.auth, { signal: ctx.signal }, async (client) => {
      if (readOnly) await client.query('BEGIN READ ONLY');
      try {
        const result = await client.query(statement(query, parameters));
        if (readOnly) await client.query('COMMIT');
        const rows = (result.rows ?? []) as Record<string, unknown>[];
        return {
          command: result.command ?? '',
          rowCount: result.rowCount ?? null,
          rows: rows.slice(0, maxRows).map(jsonRow),
          columns: (result.fields ?? []).map((f) => f.name),
          truncated: rows.length > maxRows,
        };
      } catch (error) {
        if (readOnly) await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  },
});
