import { Client, Connection } from '@temporalio/client';
import Redis from 'ioredis';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { resolveDatabaseUrl } from '../lib/database-url';
import { createLogger } from '../lib/logger';
import { requestIdClientInterceptor } from '../lib/temporal-request-id';
import { onShutdown } from '../lib/shutdown';
import { RenderPool } from '../adapters/rendering/render-pool';
import { MomentFeed } from './streams/moment-feed';
import { SseHub } from './streams/sse';
import { createApp, type AppRole } from './app';
import { listen } from './server';
import { WebhookDispatcher } from './webhooks/dispatcher';
import { AlertDispatcher } from './alerts/dispatcher';
import { parseDenyList } from '../domain/tokens/spam';

/** `gateway/main.ts` serves the API; `gateway/main.ts indexer` only the webhook receiver, on INDEXER_PORT. */
async function main(): Promise<void> {
  const role: AppRole = process.argv[2] === 'indexer' ? 'indexer' : 'api';
  const config = loadConfig();
  const log = createLogger(role === 'api' ? 'oof-gateway' : 'oof-indexer', config.LOG_LEVEL);
  if (config.appSecretGenerated && role === 'api') log.warn('APP_SECRET is not set: using a random one for this process (service tokens will not survive a restart)');
  if (config.allowAnonymous && role === 'api') log.warn('requests without credentials are accepted (AUTH_ALLOW_ANONYMOUS; development only)');
  if (!config.HELIUS_WEBHOOK_AUTH) log.warn('HELIUS_WEBHOOK_AUTH is not set: POST /webhooks/helius answers 503');
  const database = await resolveDatabaseUrl(config, log);
  const db = createDb(database.url, { applicationName: `oof-${role}` });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, interceptors: { workflow: [requestIdClientInterceptor] } });
  const dispatcher = new WebhookDispatcher({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, log });
  dispatcher.start();
  const alertDispatcher = new AlertDispatcher({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, log, perWindow: config.ALERTS_PER_HOUR, maxAttempts: config.ALERTS_MAX_ATTEMPTS, denyList: parseDenyList(config.tokenDenyList) });
  alertDispatcher.start();
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: false }) : undefined;
  const renderPool = role === 'api' ? new RenderPool() : undefined;
  const feed = role === 'api' ? new MomentFeed(db, database.url, log) : undefined;
  await feed?.start();
  // A published moment wakes the alert dispatcher at once; without a feed (indexer) it polls every second.
  feed?.subscribe(() => alertDispatcher.nudge());
  const sseHub = new SseHub();
  const app = createApp({ config, db, temporal, log, onWebhookStored: () => dispatcher.nudge(), renderPool, feed, redis, sseHub }, role);
  const server = await listen(app, role === 'api' ? config.PORT : config.INDEXER_PORT, config.host);
  log.info({ url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}`, host: config.host, port: server.port, role }, 'listening');
  onShutdown(log, async () => {
    const closing = server.close(config.SHUTDOWN_GRACE_MS);
    // Streams never finish by themselves: tell their clients when to come back and end them now, not after the grace.
    sseHub.closeAll(1000 + Math.floor(Math.random() * 2000));
    await closing;
    await dispatcher.stop();
    await alertDispatcher.stop();
    await renderPool?.close();
    await feed?.stop();
    redis?.disconnect();
    await connection.close();
    await db.destroy();
    await database.stop();
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
