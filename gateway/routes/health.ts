import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db';

export interface HealthDeps { db: Db; temporal: Client; namespace: string; timeoutMs?: number }

async function timed(check: () => Promise<unknown>, timeoutMs: number): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
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
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(d: HealthDeps): Router {
  const router = new Router();
  const timeoutMs = d.timeoutMs ?? 2000;

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/health/ready', async (ctx) => {
    const [postgres, temporal] = await Promise.all([
      timed(() => d.db.raw('select 1'), timeoutMs),
      timed(() => d.temporal.workflowService.describeNamespace({ namespace: d.namespace }), timeoutMs),
    ]);
    const ready = postgres.ok && temporal.ok;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'unavailable', checks: { postgres, temporal } };
  });

  return router;
}
