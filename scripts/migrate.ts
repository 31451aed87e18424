/** `npm run migrate` (latest) and `npm run migrate:rollback [-- --all]` against DATABASE_URL or the embedded Postgres. */
import { loadConfig } from '../lib/config';
import { createDb, ensureDatabase, migrateLatest, migrateRollback } from '../lib/db';
import { resolveDatabaseUrl } from '../lib/database-url';
import { createLogger } from '../lib/logger';

async function main(): Promise<void> {
  const cmd = process.argv[2] ?? 'latest';
  if (cmd !== 'latest' && cmd !== 'rollback') throw new Error(`unknown command "${cmd}": use latest or rollback`);
  const config = loadConfig();
  const log = createLogger('oof-migrate', config.LOG_LEVEL);
  const database = await resolveDatabaseUrl(config, log);
  await ensureDatabase(database.url);
  const db = createDb(database.url, { poolMax: 2 });
  try {
    const changed = cmd === 'latest' ? await migrateLatest(db) : await migrateRollback(db, process.argv.includes('--all'));
    log.info({ changed }, changed.length ? `${cmd}: ${changed.join(', ')}` : `${cmd}: nothing to do`);
  } finally {
    await db.destroy();
    await database.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
