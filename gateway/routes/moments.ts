import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { D, usd } from '../../domain/money';
import { summarizeProgress as summarize } from '../../activities/analysis/progress';
import { MOMENT_COLUMNS, momentFromRow } from '../../adapters/stores/moments-store';
import { tokensFor } from '../../adapters/stores/token-store';
import type { TokenViewCache } from '../../adapters/stores/token-view-cache';
import type { Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { isSolanaAddress } from '../../lib/solana-address';
import { principalOf, type WalletPolicy } from '../auth/policy';
import { decodeCursor, encodeCursor } from '../cursor';
import { Problem } from '../problem';
import { sseFrame, type MomentEvent, type MomentFeed } from '../streams/moment-feed';
import { openSse, type SseHub } from '../streams/sse';
import { parseOr400 } from '../validation';
import { ULID_RE } from './analyses';

const address = z.string().refine(isSolanaAddress, { error: (i) => `"${String(i.input).slice(0, 64)}" is not a Solana address` });
export const listMomentsQuery = z.object({
  wallet: address.optional(),
  kind: z.enum(['S2E', 'BHD', 'BadRoute', 'IdleYield']).optional(),
  minSeverity: z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number from 0 to 1').optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  includeSpam: z.enum(['true', 'false']).optional(),
}).strict();

export interface MomentsDeps { db: Db; policy: WalletPolicy; appSecret: string; /** How often open streams check that their caller may still read them. */ reauthorizeMs?: number; sseHub?: SseHub; feed?: MomentFeed; heartbeatMs?: number; maxBufferedBytes?: number; sseClients?: { inc(): void; dec(): void }; log?: Logger;
  /** TOKEN_DENYLIST mints: spam whatever detection stored. */
  deniedMints?: string[];
  /** Token views kept between requests; without it, each answer reads them. */
  tokenViews?: TokenViewCache;
}

/** Spam is left out unless the caller asks for it (issue #19). */
function withoutSpam(q: any, denied: string[]): void {
  q.where('spam', false);
  if (denied.length) q.whereNotIn('mint', denied);
}

/** Moment rows in API shape, each with its token. */
async function withTokens(d: Pick<MomentsDeps, 'db' | 'tokenViews'>, rows: any[]) {
  const mints = rows.map((r) => r.mint);
  const tokens = d.tokenViews ? await d.tokenViews.get(mints) : await tokensFor(d.db, mints);
  return rows.map((r) => momentFromRow(r, tokens.get(r.mint)));
}

/** Outbox rows read per query while a stream catches up. */
const REPLAY_PAGE = 1000;
/** Live events held for one stream while it catches up, at most. */
const MAX_QUEUED = 10_000;

function lastEventId(ctx: Context): number {
  const raw = ctx.get('last-event-id') || (typeof ctx.query.lastEventId === 'string' ? ctx.query.lastEventId : '');
  if (!raw) return 0;
  if (!/^\d{1,18}$/.test(raw)) throw new Problem(400, 'Bad Request', 'Last-Event-ID must be an event id this stream sent');
  return Number(raw);
}

/** Ends a stream with a 403 problem as soon as its caller may no longer read it (the owner made it private). */
function revokeWhenUnreadable(sse: ReturnType<typeof openSse>, allowed: () => Promise<boolean>, everyMs = 2000): void {
  const timer = setInterval(() => {
    void allowed().then((ok) => {
      if (ok || sse.closed) return;
      sse.send('error', { type: 'https://oof.dev/problems/403', title: 'Forbidden', status: 403, detail: 'you may no longer read this wallet' });
      sse.close();
    }, () => undefined);
  }, everyMs);
  timer.unref();
  sse.onClose(() => clearInterval(timer));
}

export function momentsRouter(d: MomentsDeps): Router {
  const router = new Router();
  const denied = d.deniedMints ?? [];
  const deniedSet = new Set(denied);
  const isSpamEvent = (e: { payload: Record<string, unknown> }) => e.payload.spam === true || deniedSet.has(String(e.payload.mint));

  router.get('/v1/moments', async (ctx) => {
    const q = parseOr400(listMomentsQuery, ctx.query, 'query');
    const p = principalOf(ctx);
    if (q.wallet) await d.policy.assertCanReadWallet(p, q.wallet);
    const visible = q.wallet ? 'all' : await d.policy.readableWallets(p);
    const rows = d.db('moments').select(MOMENT_COLUMNS).orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1);
    if (q.wallet) rows.where({ wallet: q.wallet });
    else if (visible !== 'all') rows.whereIn('wallet', [...visible]);
    if (q.kind) rows.where({ kind: q.kind });
    if (q.minSeverity) rows.where('severity', '>=', q.minSeverity);
    if (q.since) rows.where('at', '>=', new Date(q.since));
    if (q.includeSpam !== 'true') withoutSpam(rows, denied);
    if (q.cursor) {
      const c = decodeCursor<{ at: string; id: string }>(d.appSecret, q.cursor);
      if (typeof c.at !== 'string' || typeof c.id !== 'string') throw new Problem(400, 'Bad Request', 'the cursor is not one this API issued');
      rows.whereRaw('(at, id) < (?, ?)', [c.at, c.id]);
    }
    const found = await rows;
    const page = await withTokens(d, found.slice(0, q.limit));
    const last = found.length > q.limit ? found[q.limit - 1] : undefined;
    ctx.body = { moments: page, nextCursor: last ? encodeCursor(d.appSecret, { at: new Date(last.at).toISOString(), id: last.id }) : null };
  });

  router.get('/v1/moments/:id', async (ctx) => {
    const id = ctx.params.id!;
    if (!ULID_RE.test(id)) throw new Problem(400, 'Bad Request', `"${id.slice(0, 64)}" is not a moment id (a 26-character ULID)`);
    const row = await d.db('moments').where({ id }).first(MOMENT_COLUMNS);
    // Another user's moment is "not found", not "forbidden": its existence is not ours to reveal.
    if (!row) throw new Problem(404, 'Not Found', `no moment ${id}`);
    await d.policy.assertCanReadWallet(principalOf(ctx), row.wallet, `no moment ${id}`);
    ctx.body = (await withTokens(d, [row]))[0];
  });

  router.get('/v1/wallets/:address/summary', async (ctx) => {
    const wallet = ctx.params.address!;
    if (!isSolanaAddress(wallet)) throw new Problem(400, 'Bad Request', `"${wallet.slice(0, 64)}" is not a Solana address`);
    await d.policy.assertCanReadWallet(principalOf(ctx), wallet);
    const includeSpam = ctx.query.includeSpam === 'true';
    if (ctx.query.includeSpam !== undefined && !['true', 'false'].includes(String(ctx.query.includeSpam))) throw new Problem(400, 'Bad Request', 'includeSpam must be true or false');
    const mine = () => {
      const q = d.db('moments').where({ wallet });
      if (!includeSpam) withoutSpam(q, denied);
      return q;
    };
    const byKind = await mine().groupBy('kind').select('kind').count({ n: '*' }).sum({ missed: 'missed_usd' });
    const worst = await mine().select(MOMENT_COLUMNS).orderBy([{ column: 'severity', order: 'desc' }, { column: 'missed_usd', order: 'desc' }]).limit(5);
    const transactions = await d.db('wallet_transactions').where({ wallet }).count({ n: '*' }).first();
    let total = new D(0);
    const counts: Record<string, { count: number; missedUsd: string }> = {};
    for (const r of byKind as any[]) {
      counts[r.kind] = { count: Number(r.n), missedUsd: usd(new D(r.missed ?? 0)) };
      total = total.plus(r.missed ?? 0);
    }
    ctx.body = {
      wallet,
      transactions: Number(transactions?.n ?? 0),
      moments: Object.values(counts).reduce((n, c) => n + c.count, 0),
      byKind: counts,
      totalMissedUsd: usd(total),
      worst: await withTokens(d, worst),
    };
  });

  router.get('/v1/stream/moments', async (ctx) => {
    const q = parseOr400(z.object({ wallet: address.optional(), access_token: z.string().optional(), lastEventId: z.string().optional(), includeSpam: z.enum(['true', 'false']).optional() }).strict(), ctx.query, 'query');
    const hideSpam = q.includeSpam !== 'true';
    if (!d.feed) throw new Problem(503, 'Service Unavailable', 'live streams are not enabled on this server');
    const p = principalOf(ctx);
    if (!q.wallet && !d.policy.isOperator(p)) throw new Problem(403, 'Forbidden', 'stream one of your own wallets or of the wallets you analysed (?wallet=)');
    if (q.wallet) await d.policy.assertCanReadWallet(p, q.wallet);
    const after = lastEventId(ctx);
    const sse = openSse(ctx, { heartbeatMs: d.heartbeatMs, maxBufferedBytes: d.maxBufferedBytes, hub: d.sseHub });
    if (q.wallet) revokeWhenUnreadable(sse, () => d.policy.canReadWallet(p, q.wallet!), d.reauthorizeMs);
    d.sseClients?.inc();
    sse.onClose(() => d.sseClients?.dec());
    // Subscribe first, then replay: an event that lands in between is seen twice and sent once.
    let sentUpTo = after;
    const queue: MomentEvent[] = [];
    let replaying = after > 0;
    const deliver = (e: MomentEvent): boolean => {
      if (e.id <= sentUpTo) return true;
      sentUpTo = e.id;
      if (hideSpam && isSpamEvent(e)) return true;
      return sse.sendFrame(e.frame ?? sseFrame(e));
    };
    const feed = d.feed;
    const unsubscribe = feed.subscribe((e) => {
      if (q.wallet && e.wallet !== q.wallet) return;
      if (!replaying) return void deliver(e);
      queue.push(e);
      // A client that stops reading mid catch-up would hold live events here without bound: it is cut off instead,
      // and resumes from the last id it got.
      if (queue.length > MAX_QUEUED) {
        sse.close();
        ctx.req.socket.destroy();
      }
    });
    sse.onClose(unsubscribe);
    if (!replaying) return;
    // A resume pages through everything after Last-Event-ID (the outbox, however long the absence) before going
    // live; what arrives meanwhile waits in the queue and follows in id order. It runs after the response has
    // started, and waits for each write to drain, so a long catch-up is neither buffered whole nor mistaken for a
    // client that stopped reading.
    void (async () => {
      for (;;) {
        const page = await feed.since(sentUpTo, q.wallet, REPLAY_PAGE);
        for (const e of page) {
          if (!deliver(e)) await sse.drained();
          if (sse.closed) return;
        }
        if (page.length < REPLAY_PAGE) break;
      }
      replaying = false;
      for (const e of queue.sort((a, b) => a.id - b.id)) deliver(e);
      queue.length = 0;
    })().catch((err) => {
      // The client reconnects with the last id it got and misses nothing.
      d.log?.warn({ err }, 'stream catch-up failed; closing the stream');
      sse.close();
    });
  });

  router.get('/v1/analyses/:id/stream', async (ctx) => {
    const id = ctx.params.id!;
    if (!ULID_RE.test(id)) throw new Problem(400, 'Bad Request', `"${id.slice(0, 64)}" is not an analysis id (a 26-character ULID)`);
    const includeSpam = ctx.query.includeSpam === 'true';
    if (ctx.query.includeSpam !== undefined && !['true', 'false'].includes(String(ctx.query.includeSpam))) throw new Problem(400, 'Bad Request', 'includeSpam must be true or false');
    const first = await d.db('analyses').where({ id }).first();
    const p = principalOf(ctx);
    if (!first || !d.policy.canReadAnalysis(p, first.requested_by)) throw new Problem(404, 'Not Found', `no analysis ${id}`);
    // Moments only of the wallets the caller may read, checked again as the stream goes on (privacy, expiry).
    const wallets = await d.policy.readableOf(p, first.wallets);
    const after = lastEventId(ctx);
    const sse = openSse(ctx, { heartbeatMs: d.heartbeatMs, maxBufferedBytes: d.maxBufferedBytes, hub: d.sseHub });
    let sentUpTo = after;
    const deliver = (e: { id: number; type: string; payload: Record<string, unknown> }) => {
      if (e.id <= sentUpTo) return;
      sentUpTo = e.id;
      if (!includeSpam && isSpamEvent(e)) return;
      sse.send('moment', e.payload, e.id);
    };
    // Live events wait while the outbox is read, so ids go out in order across all the analysis' wallets.
    let held: MomentEvent[] | undefined;
    const unsubscribe = d.feed?.subscribe((e) => {
      if (!wallets.has(e.wallet)) return;
      if (held) held.push(e);
      else deliver(e);
    });
    /** Everything these wallets published after what was sent, read from the outbox (the source of truth). */
    const catchUp = async () => {
      if (!d.feed) return;
      held = [];
      try {
        for (let page = await d.feed.since(sentUpTo, [...wallets]); page.length; page = await d.feed.since(sentUpTo, [...wallets])) {
          for (const e of page) deliver(e);
        }
      } finally {
        const live = held.sort((a, b) => a.id - b.id);
        held = undefined;
        for (const e of live) deliver(e);
      }
    };
    // Moments already published (a resume, or an analysis that finished before the client came).
    await catchUp();
    let lastProgress = '';
    const tick = async () => {
      const row = await d.db('analyses').where({ id }).first();
      const progress = JSON.stringify({ status: row.status, progress: row.progress });
      if (progress !== lastProgress) {
        lastProgress = progress;
        sse.send('progress', { analysisId: id, status: row.status, progress: summarize(row.progress ?? {}) });
      }
      if (row.status === 'completed' || row.status === 'failed') {
        // The notification of the last moments may still be on its way: read them before saying the analysis is over.
        await catchUp();
        sse.send(row.status === 'completed' ? 'done' : 'error', { analysisId: id, status: row.status, finishedAt: row.finished_at });
        sse.close();
      }
    };
    let checked = Date.now();
    const recheck = async () => {
      if (Date.now() - checked < (d.reauthorizeMs ?? 2000)) return;
      checked = Date.now();
      const now = await d.policy.readableOf(p, [...wallets]);
      for (const w of [...wallets]) if (!now.has(w)) wallets.delete(w);
    };
    const timer = setInterval(() => void recheck().then(tick).catch(() => sse.close()), 500);
    sse.onClose(() => { clearInterval(timer); unsubscribe?.(); });
    await tick();
  });

  return router;
}
