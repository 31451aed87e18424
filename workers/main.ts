import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { resolveDatabaseUrl } from '../lib/database-url';
import { createLogger } from '../lib/logger';
import { onShutdown } from '../lib/shutdown';
import { createCardService } from '../adapters/rendering/card-service';
import { createCardStore } from '../adapters/stores/card-store';
import { RenderPool } from '../adapters/rendering/render-pool';
import { SecretBox } from '../adapters/alerts/secret-box';
import { outboundPolicyFor } from '../adapters/net/ssrf-guard';
import { CardTokenCache } from '../adapters/rendering/card-tokens';
import { logoStoreFor } from '../adapters/tokens/create-registry';
import { createWorker } from './run-worker';
import { defaultSchedules, ensureSchedules } from './schedules';
import { startWorkerStats } from './stats';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('oof-worker', config.LOG_LEVEL);
  const database = await resolveDatabaseUrl(config, log);
  const db = createDb(database.url, { applicationName: 'oof-worker' });
  const renderPool = new RenderPool(1);
  const cardStore = createCardStore(config);
  const tokenSettings = {
    environment: config.ENVIRONMENT, heliusApiKey: config.HELIUS_API_KEY, heliusDasUrl: config.HELIUS_DAS_URL,
    ipfsGateway: config.TOKEN_IPFS_GATEWAY, arweaveGateway: config.TOKEN_ARWEAVE_GATEWAY, refreshAfterMs: config.TOKEN_REFRESH_AFTER_MS,
    requestsPerMinute: config.TOKEN_REQUESTS_PER_MINUTE, logoMaxBytes: config.TOKEN_LOGO_MAX_BYTES,
  };
  const parts = await createWorker({
    temporalAddress: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db,
    log,
    rpcUrl: config.RPC_PRIMARY,
    rpcConcurrency: config.RPC_CONCURRENCY,
    rpcTimeoutMs: config.RPC_TIMEOUT_MS,
    jupiterBaseUrl: config.JUPITER_BASE_URL,
    jupiterApiKey: config.JUPITER_API_KEY,
    historyProvider: config.PRICE_HISTORY_PROVIDER === 'none' ? undefined : { name: config.PRICE_HISTORY_PROVIDER, baseUrl: config.PRICE_HISTORY_BASE_URL, apiKey: config.PRICE_HISTORY_API_KEY },
    identity: config.WORKER_IDENTITY,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // Cards are drawn in a render process: a burst of woken watches must not stall the workflow tasks behind them.
    cards: createCardService({ db, store: cardStore, render: (m, o) => renderPool.render(m, o), tokens: new CardTokenCache(db, logoStoreFor(cardStore, tokenSettings)) }),
    cardStore,
    tokens: { ...tokenSettings, denyList: config.tokenDenyList },
    alerts: {
      box: new SecretBox(config.alertsKey),
      sender: { policy: outboundPolicyFor(config.ENVIRONMENT), telegramBaseUrl: config.TELEGRAM_API_BASE_URL },
      publicBaseUrl: config.publicBaseUrl,
    },
  });
  if (config.alertsKeyGenerated) log.warn('neither ALERTS_ENCRYPTION_KEY nor APP_SECRET is set: alert destinations saved by another process cannot be opened here');
  const temporal = parts.temporal;
  await ensureSchedules(temporal, config.TEMPORAL_TASK_QUEUE, defaultSchedules({ reconcileEveryMs: config.RECONCILE_EVERY_MS, priceRefreshEveryMs: config.PRICE_REFRESH_EVERY_MS }), log);
  if (!config.RPC_PRIMARY) log.warn('RPC_PRIMARY is not set: backfills will find nothing to read');
  const running = parts.run();
  const stopStats = config.WORKER_STATS_EVERY_MS ? startWorkerStats(parts.workers, log, config.WORKER_STATS_EVERY_MS) : () => undefined;
  const close = async () => {
    await running;
    stopStats();
    await parts.close();
    await renderPool.close();
    await db.destroy();
    await database.stop();
  };
  // shutdown() stops polling and lets the activities in flight finish (drain) before run() resolves.
  onShutdown(log, async () => {
    parts.shutdown();
    await close();
  });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS }, 'worker running');
  await running;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
