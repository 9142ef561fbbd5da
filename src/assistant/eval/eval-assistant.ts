import { createUser } from '../../accounts/users.ts';
import { createCatalog } from '../../catalog/registry.ts';
import { syncCatalog } from '../../catalog/sync-catalog.ts';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/connect.ts';
import { migrateUp } from '../../db/migrator.ts';
import { allServices } from '../../integrations/all-services.ts';
import { ConfigChecker } from '../../workflows/config-checker.ts';
import { catalogText, loadCatalogView } from '../catalog-view.ts';
import { providerFromSettings } from '../resolve-provider.ts';
import { runTurn } from '../run-turn.ts';
import { systemPrompt } from '../system-prompt.ts';
import { EVAL_REQUESTS } from './eval-requests.ts';

/**
 * Sends the written requests to the configured model (ASSISTANT_* settings) on a throw-away embedded
 * database with this build's catalog, and counts the proposals that pass the validator and use the
 * expected components. `--limit N` runs the first N.
 */
async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const provider = providerFromSettings(config.assistant);
  if (!provider) {
    console.log(
      'eval:assistant skipped: no model configured (set ASSISTANT_PROVIDER, ASSISTANT_API_KEY and ASSISTANT_MODEL)',
    );
    return 0;
  }
  const limitAt = process.argv.indexOf('--limit');
  const limit = limitAt > 0 ? Number(process.argv[limitAt + 1]) : EVAL_REQUESTS.length;
  const database = await openDatabase({});
  try {
    await migrateUp(database.db);
    const catalog = createCatalog(allServices);
    await syncCatalog(database.db, catalog);
    const user = await createUser(database.db, {
      email: 'eval@example.com',
      password: 'eval-password-123',
      name: 'Eval',
    });
    const view = await loadCatalogView(database.db);
    const known = new Set(view.flatMap((s) => s.components.map((c) => `${s.key}.${c.key}`)));
    const system = systemPrompt({ catalog: catalogText(view), connections: [], context: {} });
    const checker = new ConfigChecker();
    console.log(
      `eval:assistant: ${provider.kind} ${provider.model}, ${known.size} components in the catalog`,
    );

    let ran = 0;
    let valid = 0;
    let matched = 0;
    let tokens = 0;
    const unavailable: number[] = [];
    for (const [index, item] of EVAL_REQUESTS.slice(0, limit).entries()) {
      const number = index + 1;
      if (!item.expected.every((ref) => known.has(ref))) {
        unavailable.push(number);
        console.log(
          `${String(number).padStart(2)} n/a   not in this catalog: ${item.expected.filter((r) => !known.has(r)).join(', ')}`,
        );
        continue;
      }
      ran += 1;
      try {
        const result = await runTurn(
          {
            db: database.db,
            tools: { checker, catalog },
            provider,
            catalog: view,
            repairRounds: config.assistant.repairRounds,
          },
          { userId: user.id, system, history: [], content: item.request },
        );
        tokens += result.usage.inputTokens + result.usage.outputTokens;
        const definition = result.proposal?.definition;
        const used = new Set<string>();
        if (definition?.trigger) used.add(`${definition.trigger.service}.${definition.trigger.component}`);
        for (const node of definition?.nodes ?? [])
          if (node.service && node.component) used.add(`${node.service}.${node.component}`);
        const isValid = result.proposal?.valid === true;
        const isMatch = isValid && item.expected.every((ref) => used.has(ref));
        if (isValid) valid += 1;
        if (isMatch) matched += 1;
        const missing = item.expected.filter((ref) => !used.has(ref));
        console.log(
          `${String(number).padStart(2)} ${isMatch ? 'match' : isValid ? 'valid' : 'FAIL '} calls=${result.calls} ${
            result.proposal ? `used ${[...used].join(', ')}` : 'no proposal'
          }${missing.length > 0 ? ` | missing ${missing.join(', ')}` : ''}${
            !isValid && result.proposal
              ? ` | ${result.proposal.problems
                  .slice(0, 2)
                  .map((p) => `${p.path}: ${p.message}`)
                  .join('; ')}`
              : ''
          }`,
        );
      } catch (error) {
        console.log(
          `${String(number).padStart(2)} ERROR ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    console.log(
      `eval:assistant: ${valid}/${ran} proposals valid, ${matched}/${ran} matched the expected components` +
        `${unavailable.length > 0 ? ` (${unavailable.length} requests need services this build lacks)` : ''}, ${tokens} tokens`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
