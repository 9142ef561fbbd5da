import { fromPglite, PgBoss } from 'pg-boss';
import { openDatabase } from '../src/db/connect.ts';
import { migrateUp } from '../src/db/migrator.ts';

const database = await openDatabase({});
await migrateUp(database.db);
const variant = JSON.parse(process.argv[2] ?? '{}');
const boss = new PgBoss({ db: fromPglite(database.pglite!), backend: 'pglite', ...variant });
await boss.start();
await boss.createQueue('q', { notify: true });
const times: number[] = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  await boss.send('q', { executionId: 'x' });
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify(variant),
  'p50',
  times[100]!.toFixed(2),
  'p90',
  times[180]!.toFixed(2),
  'max',
  times[199]!.toFixed(1),
);
await boss.stop();
await database.close();
