/**
 * `npm start`: the whole system on embedded defaults — Temporal dev server, Postgres (embedded unless DATABASE_URL),
 * migrations, one worker and the gateway — until Ctrl-C, which stops all of it.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { createDb, ensureDatabase, migrateLatest } from '../lib/db';
import { resolveDatabaseUrl } from '../lib/database-url';
import { createLogger } from '../lib/logger';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { startDevServer, type DevServer } from '../lib/temporal-dev-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('oof', config.LOG_LEVEL);
  const children: ChildProcess[] = [];
  let temporal: DevServer | undefined;
  let database: Awaited<ReturnType<typeof resolveDatabaseUrl>> | undefined;
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping OOF');
    // Gateway first (no new work), then the worker drains, then the stores it was writing to.
    for (const child of [...children].reverse()) await stopProcess(child);
    await temporal?.stop();
    await database?.stop();
    process.exit(code);
  };
  // `on`, not `once`: Ctrl-C reaches npm and tsx too, which relay it, and a repeat must not kill us mid-cleanup.
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const externalTemporal = Boolean(process.env.TEMPORAL_ADDRESS);
    if (!externalTemporal) {
      temporal = await startDevServer({
        dbFile: path.resolve(config.DATA_DIR, 'temporal.sqlite'),
        port: Number(process.env.TEMPORAL_PORT ?? 7233),
        uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
        onOutput: (line) => log.debug({ temporal: line }),
      });
    }
    const temporalAddress = temporal?.address ?? config.TEMPORAL_ADDRESS;
    database = await resolveDatabaseUrl(config, log);
    await ensureDatabase(database.url);
    const db = createDb(database.url, { poolMax: 2 });
    const applied = await migrateLatest(db);
    await db.destroy();
    if (applied.length) log.info({ applied }, 'migrations applied');

    const env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress, PORT: String(config.PORT) };
    for (const entry of ['workers/main.ts', 'gateway/main.ts']) {
      const child = spawnEntry(entry, env);
      child.once('exit', (code, signal) => {
        if (!stopping) {
          log.error({ entry, code, signal }, 'a process stopped unexpectedly; stopping everything');
          void stopAll(1);
        }
      });
      children.push(child);
    }
    const gatewayUrl = `http://127.0.0.1:${config.PORT}`;
    await waitForHttp(`${gatewayUrl}/health/ready`, 60_000);
    console.log(`\nOOF is running\n  gateway      ${gatewayUrl}\n  temporal ui  ${temporal?.uiUrl ?? '(external Temporal at ' + temporalAddress + ')'}\n  try          curl -XPOST ${gatewayUrl}/v1/analyze -H 'content-type: application/json' -d '{"wallets":["<address>"]}'\nCtrl-C stops everything.\n`);
  } catch (err) {
    log.error({ err: (err as Error).message }, 'start-up failed');
    await stopAll(1);
  }
}

void main();
