import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { resolveDatabaseUrl } from '../lib/database-url';
import { createLogger } from '../lib/logger';
import { onShutdown } from '../lib/shutdown';
import { createApp } from './app';
import { listen } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('oof-gateway', config.LOG_LEVEL);
  if (config.appSecretGenerated) log.warn('APP_SECRET is not set: using a random one for this process (service tokens will not survive a restart)');
  if (config.allowAnonymous) log.warn('requests without credentials are accepted (AUTH_ALLOW_ANONYMOUS; development only)');
  const database = await resolveDatabaseUrl(config, log);
  const db = createDb(database.url, { applicationName: 'oof-gateway' });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({ config, db, temporal, log });
  const server = await listen(app, config.PORT);
  log.info({ url: `http://127.0.0.1:${server.port}` }, 'gateway listening');
  onShutdown(log, async () => {
    await server.close(config.SHUTDOWN_GRACE_MS);
    await connection.close();
    await db.destroy();
    await database.stop();
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
