/**
 * Loads what `area start` and the CLI's commands load, so that Node's compile cache holds it: run at
 * install time (`npm install`), the first start then skips compiling some 1,800 modules (about 1 s).
 * The CLI itself imports those modules only in the commands that need them.
 */
await import('../main.ts');
await import('../db/migrator.ts');
await import('../accounts/users.ts');
await import('../connections/rotate-keys.ts');
await import('../workflows/workflow-export.ts');
await import('typebox/value');
process.exit(0);
