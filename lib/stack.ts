import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from './config';
import { createDb, ensureDatabase, migrateLatest } from './db';
import { resolveDatabaseUrl } from './database-url';
import type { Logger } from './logger';
import { spawnEntry, stopProcess, waitForHttp } from './processes';
import { startDevServer, type DevServer } from './temporal-dev-server';

export interface Stack { gatewayUrl: string; temporalUiUrl?: string; temporalAddress: string; stop(code?: number): Promise<void> }

/**
 * The whole system on embedded defaults: Temporal dev server (unless TEMPORAL_ADDRESS is set), Postgres (embedded
 * unless DATABASE_URL), migrations, a worker and the gateway as child processes. stop() takes them down in order.
 */
export async function startStack(config: Config, log: Logger, extraEnv: Record<string, string> = {}, onUnexpectedExit?: () => void): Promise<Stack> {
  const children: ChildProcess[] = [];
  let temporal: DevServer | undefined;
  let database: Awaited<ReturnType<typeof resolveDatabaseUrl>> | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Gateway first (no new work), then the worker drains, then the stores it was writing to.
    for (const child of [...children].reverse()) await stopProcess(child);
    await temporal?.stop();
    await database?.stop();
  };
  try {
    if (!process.env.TEMPORAL_ADDRESS) {
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
    const env = { ...extraEnv, DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress, PORT: String(config.PORT) };
    for (const entry of ['workers/main.ts', 'gateway/main.ts']) {
      const child = spawnEntry(entry, env);
      child.once('exit', (code, signal) => {
        if (!stopping) {
          log.error({ entry, code, signal }, 'a process stopped unexpectedly');
          onUnexpectedExit?.();
        }
      });
      children.push(child);
    }
    const gatewayUrl = `http://127.0.0.1:${config.PORT}`;
    await waitForHttp(`${gatewayUrl}/health/ready`, 90_000);
    return { gatewayUrl, temporalUiUrl: temporal?.uiUrl, temporalAddress, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
