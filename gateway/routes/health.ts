import Router from '@koa/router';
import type { Context } from 'koa';
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';

export interface HealthDeps {
  db: Db; temporal: Client; namespace: string; config?: Config; registry?: Registry; timeoutMs?: number;
  /** Throws unless the caller is an operator; guards /health/detailed and /metrics. */
  operatorOnly?: (ctx: Context, what: 'health' | 'metrics') => Promise<void>;
  /** How long /health/detailed reuses its results (HEALTH_CACHE_MS). */
  cacheMs?: number;
}

interface Check { ok: boolean; latencyMs: number; error?: string; skipped?: string }

async function timed(check: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs); }),
    ]);
    return { ok: true, latencyMs: Date.now() - started };
  } catch (e) {
    return { ok: false, latencyMs: Date.now() - started, error: (e as Error).message };
  }
  finally {
    clearTimeout(timer);
  }
}

async function reachable(url: string, init: RequestInit = {}): Promise<void> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
  if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
}

/** One run of `fn` at a time, its result reused for ttlMs: a burst of callers costs one round of checks. */
export function cachedFor<T>(ttlMs: number, fn: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at >= ttlMs) {
      const value = fn();
      last = { at: Date.now(), value };
      // Settle the timestamp when the checks end, so the result lives ttlMs from when it was known.
      void value.then(() => { if (last?.value === value) last.at = Date.now(); }, () => { if (last?.value === value) last = undefined; });
    }
    return last.value;
  };
}

export function healthRouter(d: HealthDeps): Router {
  const router = new Router();
  const timeoutMs = d.timeoutMs ?? 2000;
  const core = () => Promise.all([
    timed(() => d.db.raw('select 1'), timeoutMs),
    timed(() => d.temporal.workflowService.describeNamespace({ namespace: d.namespace }), timeoutMs),
  ]);

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  // A burst of probes shares one round of checks.
  const readiness = cachedFor(1000, core);
  router.get('/health/ready', async (ctx) => {
    const [postgres, temporal] = await readiness();
    const ready = postgres.ok && temporal.ok;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'unavailable', checks: { postgres, temporal } };
  });

  /** Every dependency with its latency; the optional ones say when they are not configured. */
  const detailed = cachedFor(d.cacheMs ?? 5000, async () => {
    const c = d.config;
    const skip = (why: string): Promise<Check> => Promise.resolve({ ok: true, latencyMs: 0, skipped: why });
    const [[postgres, temporal], jwks, r2, rpc, jupiter] = await Promise.all([
      core(),
      c?.DYNAMIC_JWKS_URL || c?.DYNAMIC_ENVIRONMENT_ID ? timed(() => reachable(c.DYNAMIC_JWKS_URL ?? `https://app.dynamicauth.com/api/v0/sdk/${c.DYNAMIC_ENVIRONMENT_ID}/.well-known/jwks`), timeoutMs) : skip('DYNAMIC_ENVIRONMENT_ID not set'),
      c?.R2_ENDPOINT ? timed(() => reachable(c.R2_ENDPOINT!), timeoutMs) : skip('cards on local disk'),
      c?.RPC_PRIMARY ? timed(() => reachable(c.RPC_PRIMARY!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getHealth' }) }), timeoutMs) : skip('RPC_PRIMARY not set'),
      c ? timed(() => reachable(new URL('/price/v3?ids=So11111111111111111111111111111111111111112', c.JUPITER_BASE_URL).toString(), { headers: c.JUPITER_API_KEY ? { 'x-api-key': c.JUPITER_API_KEY } : {} }), timeoutMs) : skip('no configuration'),
    ]);
    const checks = { postgres, temporal, jwks, r2, rpc, jupiter };
    const ready = postgres.ok && temporal.ok;
    return { ready, body: { status: ready ? (Object.values(checks).every((x) => x.ok) ? 'ok' : 'degraded') : 'unavailable', checkedAt: new Date().toISOString(), checks } };
  });

  // Operators only: it calls paid third-party APIs, and its answer maps the deployment.
  router.get('/health/detailed', async (ctx) => {
    await d.operatorOnly?.(ctx, 'health');
    const { ready, body } = await detailed();
    ctx.status = ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  });

  router.get('/metrics', async (ctx) => {
    await d.operatorOnly?.(ctx, 'metrics');
    if (!d.registry) {
      ctx.status = 404;
      return;
    }
    ctx.type = d.registry.contentType;
    ctx.body = await d.registry.metrics();
  });

  return router;
}
