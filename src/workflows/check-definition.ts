import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog/registry.ts';
import type { DB } from '../db/types.ts';
import { type ComponentLookup, loadComponentLookup, loadOwnedConnections } from './component-lookup.ts';
import type { ConfigChecker } from './config-checker.ts';
import type { DraftDefinition } from './definition.ts';
import { type ValidationMode, type ValidationResult, validateDefinition } from './validate-definition.ts';

/** What checking a definition needs besides the database. */
export interface CheckTools {
  checker: ConfigChecker;
  catalog?: Catalog | undefined;
}

/**
 * Loads what validation needs for one definition of one owner (pass `trx` inside a transaction)
 * and validates. A step whose component is a flow-control action takes that flow as its node type.
 */
export async function checkDefinition(
  db: Kysely<DB>,
  tools: CheckTools,
  userId: string,
  definition: DraftDefinition,
  mode: ValidationMode,
): Promise<ValidationResult & { components: ComponentLookup }> {
  const components = await loadComponentLookup(db, definition, tools.catalog);
  for (const node of definition.nodes) {
    const flow =
      node.service && node.component ? components.component(node.service, node.component)?.flow : undefined;
    if (flow && (node.type ?? 'action') === 'action') node.type = flow;
  }
  const checker = tools.checker;
  const connections = await loadOwnedConnections(db, userId, definition);
  const secrets = new Set(
    (await db.selectFrom('secrets').select('name').where('user_id', '=', userId).execute()).map(
      (r) => r.name,
    ),
  );
  return {
    ...validateDefinition(definition, { components, connections, checker, secrets }, mode),
    components,
  };
}
