import pg from 'pg';
import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import {
  COLUMN_PATTERN,
  jsonRow,
  jsonValue,
  qualifiedName,
  statement,
  TABLE_PATTERN,
  withConnection,
} from '../common/connect.ts';

interface NewRow {
  key: string;
  table: string;
  row: Record<string, unknown>;
}

function keyText(value: unknown): string {
  const json = jsonValue(value);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

export const newRowTrigger = defineTrigger({
  key: 'new_row',
  name: 'New row',
  description:
    'Runs for each new row of a table, found by a column that only grows (an identity id, a serial, a created_at). Rows already there when the workflow starts are skipped.',
  mode: 'polling',
  props: {
    table: prop.text({
      displayName: 'Table',
      required: true,
      placeholder: 'public.orders',
      pattern: TABLE_PATTERN,
    }),
    keyColumn: prop.text({
      displayName: 'Key column',
      required: true,
      description: 'Unique and increasing: each new row has a larger value than every earlier one.',
      placeholder: 'id',
      pattern: COLUMN_PATTERN,
    }),
    batchSize: prop.number({
      displayName: 'Rows per poll at most',
      integer: true,
      minimum: 1,
      maximum: 1000,
      default: 100,
    }),
  },
  output: {
    type: 'object',
    properties: {
      key: { type: 'string', description: 'The key column’s value, as text' },
      table: { type: 'string' },
      row: { type: 'object', description: 'Every column of the row' },
    },
    required: ['key', 'table', 'row'],
  },
  sampleOutput: {
    key: '1042',
    table: 'public.orders',
    row: { id: 1042, email: 'ada@example.com', total: '19.90', created_at: '2026-11-20T09:15:02.114Z' },
  },
  polling: {
    intervalSeconds: 60,
    dedupe: { by: 'id', id: (r: NewRow) => r.key },
    async poll(ctx) {
      const { table, keyColumn } = ctx.props;
      const limit = ctx.props.batchSize ?? 100;
      const from = qualifiedName(table);
      const key = pg.escapeIdentifier(keyColumn);
      // The newest key fired so far is the last one remembered (rows are returned in key order).
      const after = ctx.cursor.seenIds.at(-1);
      const rows = await withConnection(ctx.auth, { signal: ctx.signal }, async (client) => {
        if (after === undefined && ctx.cursor.firstPoll) {
          // Only to learn where the table stands: these rows are recorded, not fired.
          const newest = await client.query(
            statement(`SELECT * FROM ${from} ORDER BY ${key} DESC LIMIT $1`, [limit]),
          );
          return newest.rows.reverse();
        }
        const newer =
          after === undefined
            ? await client.query(statement(`SELECT * FROM ${from} ORDER BY ${key} ASC LIMIT $1`, [limit]))
            : await client.query(
                statement(`SELECT * FROM ${from} WHERE ${key} > $1 ORDER BY ${key} ASC LIMIT $2`, [
                  after,
                  limit,
                ]),
              );
        return newer.rows;
      });
      return (rows as Record<string, unknown>[]).map((row) => {
        if (!(keyColumn in row)) throw new Error(`PostgreSQL: table ${table} has no column ${keyColumn}`);
        return { key: keyText(row[keyColumn]), table, row: jsonRow(row) };
      });
    },
  },
});
