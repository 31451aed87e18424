import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Client } from '@temporalio/client';
import { ulid } from 'ulid';
import { z } from 'zod';
import { summarizeProgress } from '../../activities/analysis/progress';
import type { Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { isSolanaAddress } from '../../lib/solana-address';
import { OofWorkflows } from '../../temporal/client';
import type { AnalyzeRequest } from '../../temporal/types';
import { principalOf, type WalletPolicy } from '../auth/policy';
import { Problem } from '../problem';
import type { Limits } from '../rate-limits';
import { parseOr400 } from '../validation';

export const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function analyzeBodySchema(maxWallets: number) {
  const address = z.string().refine(isSolanaAddress, {
    error: (iss) => `"${String(iss.input).slice(0, 64)}" is not a Solana address (base58 text of 32 bytes)`,
  });
  return z
    .object({
      wallets: z.array(address, { message: 'wallets must be an array of addresses' })
        .min(1, 'give at least one wallet')
        .max(maxWallets, `at most ${maxWallets} wallets per analysis`),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
    })
    .strict()
    .refine((b) => !b.from || !b.to || Date.parse(b.from) < Date.parse(b.to), { message: 'from must be before to', path: ['from'] });
}

export interface AnalysesDeps {
  db: Db;
  policy: WalletPolicy;
  limits?: Limits;
  onWorkflowStart?: (type: string) => void;
  temporal: Client;
  taskQueue: string;
  maxWallets: number;
  log: Logger;
}

function idempotencyKey(ctx: Context): string | undefined {
  const key = ctx.get('idempotency-key');
  if (!key) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw new Problem(400, 'Bad Request', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  return key;
}

/** The same key and body: the same analysis, answered as the first time. Another body: a conflict. */
function replay(ctx: Context, seen: any, requestHash: string, wallets: string[]): void {
  if (seen.request_hash !== requestHash) throw new Problem(422, 'Unprocessable Content', 'this Idempotency-Key was used with a different request body');
  ctx.status = 202;
  ctx.set('Location', `/v1/analyses/${seen.analysis_id}`);
  ctx.set('Idempotent-Replayed', 'true');
  ctx.body = { analysisId: seen.analysis_id, wallets, links: { self: `/v1/analyses/${seen.analysis_id}`, stream: `/v1/analyses/${seen.analysis_id}/stream` } };
}

export function analysesRouter(d: AnalysesDeps): Router {
  const router = new Router();
  const workflows = new OofWorkflows(d.temporal, d.taskQueue);
  const bodySchema = analyzeBodySchema(d.maxWallets);

  router.post('/v1/analyze', async (ctx) => {
    if (!ctx.is('application/json')) throw new Problem(415, 'Unsupported Media Type', 'send the request body as application/json');
    const body = parseOr400(bodySchema, (ctx.request as any).body, 'analysis request');
    const wallets = [...new Set(body.wallets)];
    await d.policy.assertCanAnalyse(principalOf(ctx), wallets);
    const requestedBy = ctx.state.principal?.subject ?? null;
    const idem = idempotencyKey(ctx);
    const requestHash = createHash('sha256').update(JSON.stringify({ wallets, from: body.from ?? null, to: body.to ?? null })).digest('hex');
    if (idem) {
      const seen = await d.db('idempotency_keys').where({ principal: requestedBy ?? '', key: idem }).first();
      if (seen) return replay(ctx, seen, requestHash, wallets);
    }
    await d.limits?.analysis(ctx, wallets);
    const analysisId = ulid();
    if (idem) {
      const claimed = await d.db('idempotency_keys').insert({ principal: requestedBy ?? '', key: idem, request_hash: requestHash, analysis_id: analysisId }).onConflict(['principal', 'key']).ignore().returning('analysis_id');
      // Two requests with the same key at once: the one that lost answers with the winner's analysis.
      if (claimed.length === 0) return replay(ctx, await d.db('idempotency_keys').where({ principal: requestedBy ?? '', key: idem }).first(), requestHash, wallets);
    }
    await d.policy.grantAnalysed(principalOf(ctx), wallets);
    await d.db('analyses').insert({
      id: analysisId, wallets, requested_by: requestedBy, status: 'pending',
      progress: JSON.stringify({ totalWallets: wallets.length, wallets: Object.fromEntries(wallets.map((w) => [w, { stage: 'queued', transactions: 0, moments: 0 }])) }),
    });
    const req: AnalyzeRequest = {
      analysisId, wallets, from: body.from, to: body.to, requestId: ctx.state.requestId,
    };
    try {
      await workflows.startAnalysis(req, { requestId: ctx.state.requestId, requestedBy });
      d.onWorkflowStart?.('analyzeWallets');
    } catch (err) {
      d.log.error({ err, analysisId, requestId: ctx.state.requestId }, 'could not start the analysis workflow');
      // The key is let go with the failed start: a retry with it starts anew instead of replaying a dead analysis.
      // (Only this analysis' claim is removed; a claim that already names another analysis is not ours to drop.)
      await d.db.transaction(async (trx) => {
        await trx('analyses').where({ id: analysisId }).update({ status: 'failed', finished_at: trx.fn.now() });
        if (idem) await trx('idempotency_keys').where({ principal: requestedBy ?? '', key: idem, analysis_id: analysisId }).del();
      });
      throw new Problem(503, 'Service Unavailable', 'the workflow engine is unavailable; try again shortly', {}, { 'Retry-After': '5' });
    }
    ctx.status = 202;
    ctx.set('Location', `/v1/analyses/${analysisId}`);
    ctx.body = {
      analysisId,
      wallets,
      links: { self: `/v1/analyses/${analysisId}`, stream: `/v1/analyses/${analysisId}/stream` },
    };
  });

  router.get('/v1/analyses/:id', async (ctx) => {
    const id = ctx.params.id!;
    if (!ULID_RE.test(id)) throw new Problem(400, 'Bad Request', `"${id.slice(0, 64)}" is not an analysis id (a 26-character ULID)`);
    const row = await d.db('analyses').where({ id }).first();
    if (!row || !d.policy.canReadAnalysis(principalOf(ctx), row.requested_by)) throw new Problem(404, 'Not Found', `no analysis ${id}`);
    ctx.body = {
      analysisId: row.id,
      status: row.status,
      wallets: row.wallets,
      progress: summarizeProgress(row.progress ?? {}),
      createdAt: new Date(row.created_at).toISOString(),
      finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
      links: { self: `/v1/analyses/${row.id}`, stream: `/v1/analyses/${row.id}/stream` },
    };
  });

  return router;
}
