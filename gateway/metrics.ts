import type { Context, Next } from 'koa';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics; one registry per app so tests (several apps in one process) stay apart. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'oof_http_request_duration_seconds', help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  const sseClients = new Gauge({ name: 'oof_sse_clients', help: 'Open Server-Sent Events streams', registers: [registry] });
  const webhookTx = new Counter({ name: 'oof_webhook_transactions_total', help: 'Transactions received by the Helius webhook', labelNames: ['outcome'], registers: [registry] });
  const workflowStarts = new Counter({ name: 'oof_workflow_starts_total', help: 'Workflows started by the gateway', labelNames: ['type'], registers: [registry] });
  const jwksLookups = new Counter({ name: 'oof_jwks_lookups_total', help: 'JWT signing-key lookups: served from the cached JWKS (hit) or after a fetch', labelNames: ['result'], registers: [registry] });
  const authDecisions = new Counter({ name: 'oof_auth_decisions_total', help: 'Authentication decisions', labelNames: ['method', 'accepted'], registers: [registry] });

  return {
    registry, http, sseClients, webhookTx, workflowStarts, authDecisions, jwksLookups,
    middleware: async (ctx: Context, next: Next) => {
      const end = http.startTimer();
      try {
        await next();
      } finally {
        // The matched route pattern, never the raw path: ids and junk paths would grow the label set without bound.
        const route = (ctx as any)._matchedRoute ?? 'unmatched';
        end({ method: ctx.method, route: String(route), status: String(ctx.status) });
      }
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
