import { bodyParser } from '@koa/bodyparser';
import type { Client } from '@temporalio/client';
import cors from '@koa/cors';
import type Redis from 'ioredis';
import Koa from 'koa';
import helmet from 'koa-helmet';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';
import { createDynamicVerifier, defaultIssuers, defaultJwksUrl } from './auth/dynamic-jwt';
import { requireAuth, type Principal } from './auth/middleware';
import { createWalletPolicy } from './auth/policy';
import { secretsEqual } from './webhooks/secret-compare';
import { walletsRouter } from './routes/wallets';
import { SseHub } from './streams/sse';
import { Problem, problemMiddleware } from './problem';
import { createLimits } from './rate-limits';
import { createMetrics, type Metrics } from './metrics';
import { openApiDocument } from './openapi';
import { requestIdMiddleware } from './request-id';
import { analysesRouter } from './routes/analyses';
import { momentsRouter } from './routes/moments';
import type { MomentFeed } from './streams/moment-feed';
import { healthRouter } from './routes/health';
import { cardsRouter } from './routes/cards';
import { webRouter } from './routes/web';
import { alertsRouter } from './routes/alerts';
import { shareRouter } from './routes/share';
import { reportsRouter } from './routes/reports';
import { TokenViewCache } from '../adapters/stores/token-view-cache';
import { walletCardsRouter } from './routes/wallet-cards';
import { ReportResolver } from './reports/report-resolver';
import { OofWorkflows } from '../temporal/client';
import { SecretBox } from '../adapters/alerts/secret-box';
import { outboundPolicyFor, type OutboundPolicy } from '../adapters/net/ssrf-guard';
import { createCardService } from '../adapters/rendering/card-service';
import { createCardStore, type CardStore } from '../adapters/stores/card-store';
import type { Moment } from '../domain/detection/moment';
import type { RenderOptions } from '../adapters/rendering/render';
import type { RenderPool } from '../adapters/rendering/render-pool';
import { heliusWebhookRouter } from './webhooks/helius';
import { tokenLogoRouter, tokensRouter } from './routes/tokens';
import { CardTokenCache } from '../adapters/rendering/card-tokens';
import { logoStoreFor } from '../adapters/tokens/create-registry';

export interface GatewayDeps {
  config: Config;
  db: Db;
  temporal: Client;
  log: Logger;
  /** Card storage; defaults to the one the configuration names (R2 or local disk). */
  cardStore?: CardStore;
  metrics?: Metrics;
  /** Rate-limit counters in Redis (REDIS_URL); without it they live in Postgres. */
  redis?: Redis;
  /** The LISTEN/NOTIFY fan-out behind the SSE routes (one per process). */
  feed?: MomentFeed;
  /** Renders cards off the event loop; without it they are rendered in this thread (tests). */
  renderPool?: RenderPool;
  /** Called after a webhook delivery stored new transactions (the dispatcher's nudge). */
  onWebhookStored?: () => void;
  /** The process's open SSE streams (main.ts ends them on SIGTERM). */
  sseHub?: SseHub;
  /** Where alert destination URLs may point (default: by ENVIRONMENT, public https only in production). */
  outboundPolicy?: OutboundPolicy;
}

export type AppRole = 'api' | 'indexer';

const routeTable = new WeakMap<Koa, Array<{ method: string; path: string }>>();
/** Every method and path the app routes (the OpenAPI test compares it with the document). */
export function routesOf(app: Koa): Array<{ method: string; path: string }> {
  return routeTable.get(app) ?? [];
}

/** The Koa app: `api` serves everything; `indexer` only health and the webhook, for scaling ingestion apart. */
export function createApp(d: GatewayDeps, role: AppRole = 'api'): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true; // errors are logged by problemMiddleware with the request id
  const metrics = d.metrics ?? createMetrics();
  app.use(requestIdMiddleware(d.log));
  app.use(metrics.middleware);
  app.use(problemMiddleware(d.log));
  // An API and shareable images: no inline content, nothing framed; cards may be embedded anywhere.
  app.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], imgSrc: ["'self'", 'data:'], frameAncestors: ["'none'"] } }, crossOriginResourcePolicy: { policy: 'cross-origin' } }));
  app.use(cors({
    origin: (ctx) => (d.config.corsOrigins.includes(ctx.get('origin')) ? ctx.get('origin') : ''),
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Location', 'ETag', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Idempotent-Replayed'],
    maxAge: 600,
  }));

  const env = d.config.DYNAMIC_ENVIRONMENT_ID;
  const auth = requireAuth({
    appSecret: d.config.appSecret,
    serviceIds: d.config.serviceIds,
    allowAnonymous: d.config.allowAnonymous,
    log: d.log,
    onDecision: (method, accepted) => metrics.authDecisions.inc({ method, accepted: String(accepted) }),
    adminUserIds: d.config.adminUserIds,
    verifyJwt: env
      ? createDynamicVerifier({
          environmentId: env,
          jwksUrl: d.config.DYNAMIC_JWKS_URL ?? defaultJwksUrl(env),
          issuers: d.config.dynamicIssuers.length ? d.config.dynamicIssuers : defaultIssuers(env),
          audiences: d.config.dynamicAudiences,
          cooldownMs: d.config.DYNAMIC_JWKS_COOLDOWN_MS,
          maxAgeMs: d.config.DYNAMIC_JWKS_MAX_AGE_MS,
          onKeyLookup: (result) => metrics.jwksLookups.inc({ result }),
        })
      : undefined,
  });
  const limits = createLimits(d.db, {
    namespace: d.config.RATE_LIMIT_NAMESPACE,
    ipPerMinute: d.config.RATE_LIMIT_IP_PER_MINUTE, userPerMinute: d.config.RATE_LIMIT_USER_PER_MINUTE,
    walletAnalysesPerHour: d.config.RATE_LIMIT_WALLET_ANALYSES_PER_HOUR, analysesPerUserPerDay: d.config.ANALYSES_PER_USER_PER_DAY,
    authFailuresPerMinute: d.config.AUTH_FAILURES_PER_MINUTE, publicPerMinute: d.config.RATE_LIMIT_PUBLIC_PER_MINUTE,
  }, d.redis);
  /** Authenticates (sets ctx.state.principal), each failure counted against the address. */
  const authenticate = (ctx: Koa.Context) => limits.guardAuthentication(ctx, () => auth(ctx, async () => undefined));
  const metricsToken = d.config.METRICS_TOKEN;
  // /health/detailed and /metrics: a service token or an admin's JWT (and, for /metrics, METRICS_TOKEN for scrapers).
  const operatorOnly = async (ctx: Koa.Context, what: 'health' | 'metrics') => {
    if (what === 'metrics' && metricsToken && secretsEqual(ctx.get('authorization'), `Bearer ${metricsToken}`)) return;
    await authenticate(ctx);
    const p = ctx.state.principal as Principal;
    if (p.role === 'anonymous') throw new Problem(401, 'Unauthorized', 'operators only: send a service token or an admin\'s token', {}, { 'WWW-Authenticate': 'Bearer realm="oof"' });
    if (p.role !== 'service' && p.role !== 'admin') throw new Problem(403, 'Forbidden', 'operators only (a service token or an admin\'s token)');
  };
  const policy = createWalletPolicy(d.db, { accessDays: d.config.WALLET_ACCESS_DAYS });
  const reportResolver = new ReportResolver({ db: d.db, workflows: new OofWorkflows(d.temporal, d.config.TEMPORAL_TASK_QUEUE), workerMinActions: d.config.REPORT_WORKER_MIN_ACTIONS, denyList: d.config.tokenDenyList });
  const sseHub = d.sseHub ?? new SseHub();

  const health = healthRouter({ db: d.db, temporal: d.temporal, namespace: d.config.TEMPORAL_NAMESPACE, config: d.config, registry: metrics.registry, operatorOnly, cacheMs: d.config.HEALTH_CACHE_MS });
  app.use(health.routes()).use(health.allowedMethods());
  // Everything public (cards, token logos, documents, the web page) is limited per address; the rest of /v1 has its
  // own limits below. Logos are public like cards, and an unknown mint's is an identicon rendered on the spot.
  const publicV1 = (path: string) => path.startsWith('/v1/cards/') || /^\/v1\/tokens\/[^/]+\/logo\.png$/.test(path);
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/webhooks/') && (!ctx.path.startsWith('/v1/') || publicV1(ctx.path))) await limits.publicPerAddress(ctx);
    return next();
  });
  const doc = openApiDocument(d.config.MAX_WALLETS_PER_ANALYSIS);
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/openapi.json') return next();
    (ctx as any)._matchedRoute = '/openapi.json';
    ctx.body = doc;
  });

  const webhook = heliusWebhookRouter({
    db: d.db,
    log: d.log,
    authorization: d.config.HELIUS_WEBHOOK_AUTH,
    maxBytes: d.config.WEBHOOK_MAX_BYTES,
    maxItems: d.config.WEBHOOK_MAX_ITEMS,
    onStored: d.onWebhookStored,
    metrics: { received: (n, fresh) => { metrics.webhookTx.inc({ outcome: 'new' }, fresh); metrics.webhookTx.inc({ outcome: 'duplicate' }, n - fresh); } },
  });
  app.use(webhook.routes()).use(webhook.allowedMethods());
  if (role === 'indexer') return app;

  // The webhook route parses its own (larger) bodies; everything else is small JSON.
  const smallJson = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' });
  app.use(async (ctx, next) => (ctx.path.startsWith('/webhooks/') ? next() : smallJson(ctx, next)));

  const analyses = analysesRouter({
    limits,
    policy,
    onWorkflowStart: (type) => metrics.workflowStarts.inc({ type }),
    db: d.db,
    temporal: d.temporal,
    taskQueue: d.config.TEMPORAL_TASK_QUEUE,
    maxWallets: d.config.MAX_WALLETS_PER_ANALYSIS,
    log: d.log,
  });
  const web = webRouter({ cardOrigin: d.config.R2_PUBLIC_URL ? new URL(d.config.R2_PUBLIC_URL).origin : undefined });
  app.use(web.routes()).use(web.allowedMethods());
  // Cards are public (shareable); everything else under /v1 needs a caller.
  const store = d.cardStore ?? createCardStore(d.config);
  const render = d.renderPool ? (m: Moment, o: RenderOptions) => d.renderPool!.render(m, o) : undefined;
  const logos = logoStoreFor(store, { environment: d.config.ENVIRONMENT, ipfsGateway: d.config.TOKEN_IPFS_GATEWAY, arweaveGateway: d.config.TOKEN_ARWEAVE_GATEWAY, logoMaxBytes: d.config.TOKEN_LOGO_MAX_BYTES });
  const cards = cardsRouter({ db: d.db, store, cards: createCardService({ db: d.db, store, render, tokens: new CardTokenCache(d.db, logos) }), policy });
  app.use(cards.routes()).use(cards.allowedMethods());
  // Logos are public like the cards: an <img> sends no credentials.
  const tokenLogos = tokenLogoRouter({ db: d.db, logos });
  app.use(tokenLogos.routes()).use(tokenLogos.allowedMethods());
  const share = shareRouter({ db: d.db, publicBaseUrl: d.config.PUBLIC_BASE_URL?.replace(/\/$/, ''), cardOrigin: d.config.R2_PUBLIC_URL ? new URL(d.config.R2_PUBLIC_URL).origin : undefined, isPrivate: (w) => policy.isPrivate(w) });
  app.use(share.routes()).use(share.allowedMethods());
  const walletCards = walletCardsRouter({ store, resolver: reportResolver, isPrivate: (w) => policy.isPrivate(w), publicBaseUrl: d.config.PUBLIC_BASE_URL?.replace(/\/$/, ''), cardOrigin: d.config.R2_PUBLIC_URL ? new URL(d.config.R2_PUBLIC_URL).origin : undefined });
  app.use(walletCards.routes()).use(walletCards.allowedMethods());
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/v1/')) return next();
    await limits.perAddress(ctx);
    await authenticate(ctx);
    await limits.perCaller(ctx);
    return next();
  });
  app.use(analyses.routes()).use(analyses.allowedMethods());
  const moments = momentsRouter({
    db: d.db, policy, sseHub, appSecret: d.config.appSecret, feed: d.feed, sseClients: metrics.sseClients, log: d.log,
    heartbeatMs: d.config.SSE_HEARTBEAT_MS, maxBufferedBytes: d.config.SSE_MAX_BUFFERED_BYTES,
    deniedMints: d.config.tokenDenyList.filter((e) => !e.startsWith('/')),
    ...(d.config.TOKEN_VIEW_CACHE_MS > 0 ? { tokenViews: new TokenViewCache(d.db, { ttlMs: d.config.TOKEN_VIEW_CACHE_MS }) } : {}),
  });
  app.use(moments.routes()).use(moments.allowedMethods());
  const wallets = walletsRouter({ policy });
  app.use(wallets.routes()).use(wallets.allowedMethods());
  const alerts = alertsRouter({ db: d.db, box: new SecretBox(d.config.alertsKey), policy: d.outboundPolicy ?? outboundPolicyFor(d.config.ENVIRONMENT), walletPolicy: policy });
  app.use(alerts.routes()).use(alerts.allowedMethods());
  const tokens = tokensRouter({ db: d.db, logos });
  app.use(tokens.routes()).use(tokens.allowedMethods());
  const reports = reportsRouter({ db: d.db, policy, resolver: reportResolver, maxWallets: d.config.MAX_WALLETS_PER_ANALYSIS });
  app.use(reports.routes()).use(reports.allowedMethods());
  routeTable.set(app, [health, webhook, cards, tokenLogos, walletCards, analyses, moments, wallets, alerts, tokens, reports].flatMap((r) => r.stack.flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((m) => ({ method: m, path: String(l.path) })))).concat([{ method: 'GET', path: '/openapi.json' }]));
  return app;
}
