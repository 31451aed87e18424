import { hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../temporal/config';

const optionalUrl = z.string().url().optional();
const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const schema = z.object({
  ENVIRONMENT: z.enum(['development', 'test', 'staging', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Where the gateway listens; unset: every interface in production, loopback elsewhere. */
  HOST: z.preprocess(emptyAsUndefined, z.string().regex(/^[0-9A-Za-z.:-]{1,255}$/, 'must be an address or a host name').optional()),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  DATA_DIR: z.string().default('.data'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE),
  RPC_PRIMARY: z.preprocess(emptyAsUndefined, optionalUrl),
  RPC_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  HELIUS_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  HELIUS_WEBHOOK_AUTH: z.preprocess(emptyAsUndefined, z.string().min(8, 'must be at least 8 characters').optional()),
  WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  WEBHOOK_MAX_ITEMS: z.coerce.number().int().min(1).default(1000),
  /** Where the indexer process (webhook receiver only) listens. */
  INDEXER_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  JUPITER_BASE_URL: z.string().url().default('https://api.jup.ag'),
  JUPITER_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  PRICE_HISTORY_PROVIDER: z.preprocess(emptyAsUndefined, z.enum(['birdeye', 'coingecko', 'none']).default('none')),
  PRICE_HISTORY_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  PRICE_HISTORY_BASE_URL: z.preprocess(emptyAsUndefined, optionalUrl),
  DYNAMIC_ENVIRONMENT_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  DYNAMIC_JWKS_URL: z.preprocess(emptyAsUndefined, optionalUrl),
  DYNAMIC_ISSUERS: z.preprocess(emptyAsUndefined, z.string().optional()),
  DYNAMIC_AUDIENCES: z.preprocess(emptyAsUndefined, z.string().optional()),
  ADMIN_USER_IDS: z.string().default(''),
  DYNAMIC_JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  /** A key set older than this is fetched again (a revoked key stops working); kept while the JWKS is unreachable. */
  DYNAMIC_JWKS_MAX_AGE_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
  /** Bearer token that may read /metrics (a Prometheus scraper); operators (service token, admin) may too. */
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  /** How long /health/detailed reuses its dependency results. */
  HEALTH_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  /** How long analysing a wallet lets its requester read the wallet's moments, summary and streams. */
  WALLET_ACCESS_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  APP_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  R2_ENDPOINT: z.preprocess(emptyAsUndefined, optionalUrl),
  R2_ACCESS_KEY_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  R2_SECRET_ACCESS_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  R2_BUCKET_NAME: z.preprocess(emptyAsUndefined, z.string().optional()),
  R2_PUBLIC_URL: z.preprocess(emptyAsUndefined, optionalUrl),
  CORS_ORIGINS: z.string().default(''),
  SERVICE_IDS: z.string().default(''),
  // Development convenience: requests without credentials act as a local developer. Refused in production.
  AUTH_ALLOW_ANONYMOUS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
  MAX_WALLETS_PER_ANALYSIS: z.coerce.number().int().min(1).max(1000).default(25),
  // A wallet report over at least this many stored actions is computed by the worker, not in the gateway.
  REPORT_WORKER_MIN_ACTIONS: z.coerce.number().int().min(0).default(250_000),
  PRICE_REFRESH_EVERY_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How this worker names itself to Temporal (the task counts per worker in the UI and the scaling figures). */
  WORKER_IDENTITY: z.preprocess(emptyAsUndefined, z.string().max(200).optional()),
  /**
   * Workflows a worker keeps in its sticky cache. The SDK's default is sized from the heap limit (~2,300 on a 4 GiB
   * heap), so long-lived actors and watches fill it until RSS is gigabytes; past the bound a workflow is evicted and
   * replayed from its history on its next task.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
  /** Every this often a worker logs its memory (heap after a full GC, RSS) and sticky-cache size; 0: never. */
  WORKER_STATS_EVERY_MS: z.coerce.number().int().min(0).default(0),
  RECONCILE_EVERY_MS: z.coerce.number().int().min(10_000).default(10 * 60_000),
  REDIS_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional()),
  /** Prefix of the rate-limit counters: deployments (or test runs) sharing one database keep separate counts. */
  RATE_LIMIT_NAMESPACE: z.string().regex(/^[a-z0-9-]{1,40}$/).default('oof'),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: z.coerce.number().int().min(1).default(20),
  ANALYSES_PER_USER_PER_DAY: z.coerce.number().int().min(1).default(100),
  /** Failed authentications an address may make a minute before its requests are refused (429). */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** Requests a minute per address on the public routes (cards, /openapi.json, the web page). */
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** A stream client further behind than this is dropped (it reconnects with Last-Event-ID and misses nothing). */
  SSE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(1 << 20),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Absolute origin of this deployment: share pages, card URLs in alerts and intent links are built on it. */
  PUBLIC_BASE_URL: z.preprocess(emptyAsUndefined, optionalUrl),
  /** 32 bytes (64 hex digits or base64) encrypting alert destinations' secrets at rest. */
  ALERTS_ENCRYPTION_KEY: z.preprocess(emptyAsUndefined, z.string().refine((v) => alertKeyBytes(v) !== undefined, 'must be 32 bytes as 64 hex digits or base64').optional()),
  ALERTS_PER_HOUR: z.coerce.number().int().min(1).default(60),
  ALERTS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  TELEGRAM_API_BASE_URL: z.string().url().default('https://api.telegram.org'),
  // Token registry (issue #19).
  HELIUS_DAS_URL: z.string().url().default('https://mainnet.helius-rpc.com'),
  TOKEN_REFRESH_AFTER_MS: z.coerce.number().int().min(60_000).default(7 * 24 * 3_600_000),
  TOKEN_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  TOKEN_IPFS_GATEWAY: z.string().url().default('https://ipfs.io/ipfs/'),
  TOKEN_ARWEAVE_GATEWAY: z.string().url().default('https://arweave.net/'),
  TOKEN_LOGO_MAX_BYTES: z.coerce.number().int().min(1024).max(20 * 1024 * 1024).default(1 << 20),
  /** Comma-separated mints, or /patterns/ matched against symbol and name: always spam. */
  TOKEN_DENYLIST: z.string().default(''),
  /** How long a gateway keeps the token objects it names in answers (0: read them for every answer). */
  TOKEN_VIEW_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
});

function alertKeyBytes(v: string): Buffer | undefined {
  const b = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  return b.length === 32 ? b : undefined;
}

export type RawConfig = z.infer<typeof schema>;
export interface Config extends RawConfig {
  corsOrigins: string[];
  dynamicAudiences: string[];
  adminUserIds: string[];
  serviceIds: string[];
  allowAnonymous: boolean;
  dynamicIssuers: string[];
  /** True when APP_SECRET was not given and a random one was made for this process (development only). */
  appSecretGenerated: boolean;
  appSecret: string;
  /** HOST, or its default for the environment. */
  host: string;
  publicBaseUrl: string;
  /** AES-256-GCM key of alert secrets: ALERTS_ENCRYPTION_KEY, else derived from APP_SECRET, else random (development). */
  alertsKey: Buffer;
  alertsKeyGenerated: boolean;
  tokenDenyList: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once at start-up so a bad variable stops the process with its name, not a stack trace later. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const c = parsed.data;
  const problems: string[] = [];
  const r2 = [c.R2_ENDPOINT, c.R2_ACCESS_KEY_ID, c.R2_SECRET_ACCESS_KEY, c.R2_BUCKET_NAME];
  if (r2.some(Boolean) && !r2.every(Boolean)) {
    problems.push('R2_ENDPOINT, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY and R2_BUCKET_NAME must be set together');
  }
  if (c.ENVIRONMENT === 'production') {
    if (!c.APP_SECRET) problems.push('APP_SECRET: required in production (at least 32 characters)');
    if (!c.DATABASE_URL) problems.push('DATABASE_URL: required in production (the embedded Postgres is for development)');
    if (!c.HELIUS_WEBHOOK_AUTH) problems.push('HELIUS_WEBHOOK_AUTH: required in production');
    if (!c.ALERTS_ENCRYPTION_KEY) problems.push('ALERTS_ENCRYPTION_KEY: required in production (32 bytes, hex or base64)');
  }
  if (c.ENVIRONMENT === 'production' && c.AUTH_ALLOW_ANONYMOUS === 'true') {
    problems.push('AUTH_ALLOW_ANONYMOUS: must not be true in production');
  }
  if (c.PRICE_HISTORY_PROVIDER !== 'none' && !c.PRICE_HISTORY_API_KEY && !c.PRICE_HISTORY_BASE_URL) {
    problems.push(`PRICE_HISTORY_API_KEY: required by PRICE_HISTORY_PROVIDER=${c.PRICE_HISTORY_PROVIDER}`);
  }
  if (problems.length) throw new ConfigError(problems);
  const split = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  return {
    ...c,
    corsOrigins: split(c.CORS_ORIGINS),
    serviceIds: split(c.SERVICE_IDS),
    allowAnonymous: c.AUTH_ALLOW_ANONYMOUS ? c.AUTH_ALLOW_ANONYMOUS === 'true' : c.ENVIRONMENT === 'development',
    dynamicIssuers: split(c.DYNAMIC_ISSUERS),
    dynamicAudiences: split(c.DYNAMIC_AUDIENCES),
    adminUserIds: split(c.ADMIN_USER_IDS),
    appSecretGenerated: !c.APP_SECRET,
    appSecret: c.APP_SECRET ?? randomBytes(32).toString('hex'),
    // A development gateway is not reachable from the network unless asked to be.
    host: c.HOST ?? (c.ENVIRONMENT === 'production' ? '0.0.0.0' : '127.0.0.1'),
    publicBaseUrl: (c.PUBLIC_BASE_URL ?? `http://127.0.0.1:${c.PORT}`).replace(/\/$/, ''),
    alertsKey: c.ALERTS_ENCRYPTION_KEY ? alertKeyBytes(c.ALERTS_ENCRYPTION_KEY)!
      : c.APP_SECRET ? Buffer.from(hkdfSync('sha256', c.APP_SECRET, 'oof', 'alert-destination-secrets', 32)) : randomBytes(32),
    alertsKeyGenerated: !c.ALERTS_ENCRYPTION_KEY && !c.APP_SECRET,
    tokenDenyList: split(c.TOKEN_DENYLIST),
  };
}
