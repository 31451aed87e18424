import path from 'node:path';
import type { Config } from './config';
import { createDb, ensureDatabase, migrateLatest } from './db';
import { resolveDatabaseUrl } from './database-url';
import type { Logger } from './logger';
import { killGroupsNow, waitForHttp } from './processes';
import { DEFAULT_RESTARTS, Supervised, type RestartPolicy } from './supervisor';
import { startDevServer, type DevServer } from './temporal-dev-server';

export interface Stack { gatewayUrl: string; temporalUiUrl?: string; temporalAddress: string; stop(code?: number): Promise<void> }

/**
 * The whole system on embedded defaults: Temporal dev server (unless TEMPORAL_ADDRESS is set), Postgres (embedded
 * unless DATABASE_URL), migrations, a worker and the gateway as child processes. A worker or gateway that dies is
 * restarted with backoff; one that keeps dying stops the stack (`onUnexpectedExit`). stop() takes it all down in
 * order, and should the supervisor exit without it, the children stop themselves (lib/shutdown.ts) or are killed.
 */
export async function startStack(config: Config, log: Logger, extraEnv: Record<string, string> = {}, onUnexpectedExit?: () => void, restarts: RestartPolicy = restartPolicyOf(process.env)): Promise<Stack> {
  const children: Supervised[] = [];
  let temporal: DevServer | undefined;
  let database: Awaited<ReturnType<typeof resolveDatabaseUrl>> | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Gateway first (no new work), then the worker drains, then the stores it was writing to.
    for (const child of [...children].reverse()) await child.stop();
    await temporal?.stop();
    await database?.stop();
    process.removeListener('exit', lastResort);
  };
  // The last word if the process exits without stop() (process.exit elsewhere, an uncaught error): nothing survives.
  const lastResort = () => killGroupsNow([...children.map((c) => c.current).filter((c) => c !== undefined), ...(temporal ? [{ pid: temporal.pid, exitCode: null, signalCode: null }] : [])]);
  process.once('exit', lastResort);
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
      const child = new Supervised(entry, env, log, restarts, () => { if (!stopping) onUnexpectedExit?.(); });
      child.start();
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

/** RESTART_BACKOFF_MS, RESTART_MAX (within RESTART_WINDOW_MS): how the stack restarts a child that died. */
export function restartPolicyOf(env: NodeJS.ProcessEnv): RestartPolicy {
  const n = (k: string, d: number) => (env[k] && /^\d+$/.test(env[k]!) ? Number(env[k]) : d);
  return {
    backoffMs: n('RESTART_BACKOFF_MS', DEFAULT_RESTARTS.backoffMs),
    maxBackoffMs: DEFAULT_RESTARTS.maxBackoffMs,
    maxRestarts: n('RESTART_MAX', DEFAULT_RESTARTS.maxRestarts),
    windowMs: n('RESTART_WINDOW_MS', DEFAULT_RESTARTS.windowMs),
  };
}
