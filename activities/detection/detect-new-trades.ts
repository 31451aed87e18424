import type { Knex } from 'knex';
import { WSOL_MINT } from '../../domain/parsing/constants';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import { ensureHistory, loadSeries, mergeRanges } from '../../adapters/pricing/price-store';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { loadWalletHistory } from '../../adapters/stores/wallet-history';
import { mergeConfig } from '../../domain/detection/config';
import { detectMoments } from '../../domain/detection/detect';
import { foldBlocker, foldRanges, inHistoryOrder, judgeFold } from '../../domain/detection/incremental';
import type { Moment } from '../../domain/detection/moment';
import { emptyState, foldTransactions, type WalletDetectionState } from '../../domain/detection/wallet-state';
import { markSpam, neededRanges, openTradesOf, quotesFor, type DetectionDeps, type OpenTrade } from './detect-activities';

export interface NewTradesDetection {
  /** 'incremental' when the batch was folded into the stored state, 'full' when the history was re-run. */
  mode: 'incremental' | 'full';
  /** Why a full run was needed (no state yet, a transaction that arrived out of order…). */
  reason?: string;
  moments: number;
  created: number;
  updated: number;
  /** The batch's own trades whose window is open: the watches to start. */
  openTrades: OpenTrade[];
  /** The moments this batch created or changed (their cards are rendered here, or by the caller when it asked to). */
  changedIds: string[];
  /** Transactions read from the store, and price ranges loaded (what a batch costs). */
  transactionsRead: number;
  rangesLoaded: number;
}

const STATE_VERSION = 1;

/**
 * The live path's detection: a batch's new transactions judged against the wallet's stored fold (its open lots and
 * idle balances) instead of the whole history, so a webhook batch costs what is new in it. The full re-run stays the
 * reference: it builds the fold when there is none, and takes over whenever the batch cannot be folded (a
 * transaction older than the last one judged, a fold dropped by a backfill that linked more history).
 */
export function createNewTradeDetection({ db, history, detection, cards, denyList }: DetectionDeps) {
  const cfg = mergeConfig(detection);

  async function ensure(ranges: Map<string, Array<[number, number]>>): Promise<void> {
    if (!history) return;
    for (const [mint, rs] of ranges) {
      for (const [from, to] of rs) await ensureHistory(db, history, mint, from, to).catch(() => 0);
    }
  }

  const merge = (...maps: Array<Map<string, Array<[number, number]>>>) => {
    const out = new Map<string, Array<[number, number]>>();
    for (const m of maps) for (const [mint, rs] of m) out.set(mint, [...(out.get(mint) ?? []), ...rs]);
    return new Map([...out].map(([mint, rs]) => [mint, mergeRanges(rs)]));
  };

  async function incremental(trx: Knex.Transaction, wallet: string, before: WalletDetectionState, fresh: NormalizedTx[], nowMs: number) {
    const fold = foldTransactions(before, fresh, cfg);
    const ranges = merge(neededRanges(fresh, cfg, nowMs), foldRanges(fold, cfg, nowMs));
    const { series, sources } = await loadSeries(trx, ranges, history?.name);
    const quotes = await quotesFor(trx, fresh.map((t) => t.signature));
    const judged = judgeFold({ wallet, transactions: fresh, fold, prices: series, nowMs, quotes, config: cfg, priceSource: (mint) => [...(sources.get(mint) ?? [])].sort().join('+') || 'none' });
    return { moments: judged.moments, state: judged.state, series, ranges: ranges.size };
  }

  async function full(trx: Knex.Transaction, wallet: string, nowMs: number) {
    const txs = await loadWalletHistory(trx, wallet);
    const ranges = neededRanges(txs, cfg, nowMs);
    const first = txs.find((t) => t.blockTime)?.blockTime;
    const load = new Map(ranges);
    if (first) load.set(WSOL_MINT, mergeRanges([...(ranges.get(WSOL_MINT) ?? []), [Date.parse(first), nowMs]]));
    const { series, sources } = await loadSeries(trx, load, history?.name);
    const quotes = await quotesFor(trx, txs.map((t) => t.signature));
    const priceSource = (mint: string) => [...(sources.get(mint) ?? [])].sort().join('+') || 'none';
    const upToNow = inHistoryOrder(txs).filter((t) => Date.parse(t.blockTime!) <= nowMs);
    const moments: Moment[] = detectMoments({ wallet, transactions: txs, prices: series, nowMs, quotes, config: cfg, priceSource }).moments;
    // The fold of everything up to now, its closed idle spans judged on the same prices.
    const state = judgeFold({ wallet, transactions: [], fold: foldTransactions(emptyState(), upToNow, cfg), prices: series, nowMs, config: cfg, priceSource }).state;
    return { moments, state, series, txs: txs.length, ranges: load.size };
  }

  return {
    /**
     * Renders these moments' cards (the live actor, beside its next batch: with `redraw` once the batch's new tokens are
     * registered, over a card its first reader had drawn with short mints). A failed card renders on demand.
     */
    async renderMomentCards(ids: string[], opts: { redraw?: boolean } = {}): Promise<{ rendered: number; failed: number }> {
      if (!cards || !ids.length) return { rendered: 0, failed: 0 };
      const r = await cards.renderMoments(ids, opts);
      return { rendered: r.rendered, failed: r.failed.length };
    },

    /**
     * Detection for the transactions the live actor just linked to the wallet (idempotent: a retry that finds them
     * folded already re-runs the history and changes nothing). Moments are upserted (an event only for what
     * changed); the batch's own open trades come back for their watches.
     */
    async detectNewTrades(wallet: string, signatures: string[], nowIso?: string, opts: { renderCards?: boolean } = {}): Promise<NewTradesDetection> {
      const nowMs = nowIso ? Date.parse(nowIso) : Date.now();
      // Provider fetches happen before the transaction: it holds the wallet's fold locked and a pooled connection,
      // and must never wait on the network or on a second connection from the same pool.
      const peekFresh = inHistoryOrder(await loadWalletHistory(db, wallet, { signatures }));
      const peek = (await db('wallet_detection_state').where({ wallet }).first('state'))?.state as WalletDetectionState | null | undefined;
      if (!peek || peek.version !== STATE_VERSION || foldBlocker(peek, peekFresh, nowMs)) await ensure(neededRanges(await loadWalletHistory(db, wallet), cfg, nowMs));
      else await ensure(neededRanges(peekFresh, cfg, nowMs));
      const outcome = await db.transaction(async (trx) => {
        // The state row is locked for the batch: a backfill that links history drops it only after this commits.
        await trx.raw(`insert into wallet_detection_state (wallet, state) values (?, 'null'::jsonb) on conflict do nothing`, [wallet]);
        const row = await trx('wallet_detection_state').where({ wallet }).forUpdate().first('state');
        const stored = row?.state as WalletDetectionState | null | undefined;
        const fresh = inHistoryOrder(await loadWalletHistory(trx, wallet, { signatures }));
        const reason = !stored ? 'no stored state' : stored.version !== STATE_VERSION ? 'state of another version' : foldBlocker(stored, fresh, nowMs);
        const r = reason ? { ...(await full(trx, wallet, nowMs)), mode: 'full' as const, reason } : { ...(await incremental(trx, wallet, stored!, fresh, nowMs)), txs: fresh.length, mode: 'incremental' as const };
        await markSpam(trx, wallet, r.moments, cfg.stablecoins, denyList);
        const upserted = await upsertMoments(trx, r.moments);
        await trx('wallet_detection_state').where({ wallet }).update({ state: JSON.stringify(r.state), updated_at: trx.fn.now() });
        return { r, upserted, fresh };
      });
      const { r, upserted, fresh } = outcome;
      // A card that cannot be rendered now is rendered on demand when someone asks for it: never fail detection.
      if (opts.renderCards !== false && cards && upserted.changedIds.length) await cards.renderMoments(upserted.changedIds).catch(() => undefined);
      return {
        mode: r.mode, ...(r.mode === 'full' ? { reason: (r as { reason: string }).reason } : {}),
        moments: r.moments.length, created: upserted.created, updated: upserted.updated, changedIds: upserted.changedIds,
        openTrades: openTradesOf(wallet, fresh, r.series, cfg, nowMs), transactionsRead: r.txs, rangesLoaded: r.ranges,
      };
    },
  };
}
