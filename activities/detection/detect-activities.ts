import { Context } from '@temporalio/activity';
import type { Db } from '../../lib/db';
import { WSOL_MINT } from '../../domain/parsing/constants';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import type { HistoryProvider } from '../../adapters/pricing/history-providers';
import { ensureHistory, loadSeries, mergeRanges } from '../../adapters/pricing/price-store';
import type { CardService } from '../../adapters/rendering/card-service';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { DEFAULT_DETECTION, mergeConfig, type DetectionConfig } from '../../domain/detection/config';
import { detectMoments } from '../../domain/detection/detect';
import type { RouteQuote } from '../../domain/detection/detectors';
import type { Moment } from '../../domain/detection/moment';
import type { PriceSeries } from '../../domain/detection/price-series';
import { plain } from '../../domain/money';
import { exactPrice, isPriced, legsOf, priceLeg } from '../../domain/detection/trades';
import { loadWalletHistory } from '../../adapters/stores/wallet-history';

export interface OpenTrade { wallet: string; signature: string; mint: string; side: 'buy' | 'sell'; atMs: number; tradePrice?: string }

export interface DetectionDeps {
  db: Db;
  /** Renders the cards of new or changed moments; without it cards are rendered on demand by the gateway. */
  cards?: CardService;
  history?: HistoryProvider;
  detection?: Partial<DetectionConfig>;
}

export interface WalletDetection {
  moments: number;
  byKind: Record<string, number>;
  created: number;
  updated: number;
  skipped: number;
  openTrades: OpenTrade[];
  priceSource: string;
}

function heartbeat(d?: unknown): void {
  try { Context.current().heartbeat(d); } catch { /* not in an activity */ }
}

/** The price ranges detection needs: [t − 2 h, t + 7 d] around every trade, per mint (SOL for SOL-leg trades). */
export function neededRanges(txs: NormalizedTx[], cfg: DetectionConfig, nowMs: number): Map<string, Array<[number, number]>> {
  const stable = new Set(cfg.stablecoins);
  const raw = new Map<string, Array<[number, number]>>();
  const add = (mint: string, from: number, to: number) => {
    if (stable.has(mint)) return;
    raw.set(mint, [...(raw.get(mint) ?? []), [from, to]]);
  };
  for (const tx of txs) {
    if (!tx.blockTime || tx.failed) continue;
    const t = Date.parse(tx.blockTime);
    for (const a of tx.actions) {
      if (a.kind !== 'swap' || !a.sent || !a.received) continue;
      const range: [number, number] = [t - cfg.priceStalenessMs, Math.min(nowMs, t + cfg.windowMs)];
      add(a.sent.mint, ...range);
      add(a.received.mint, ...range);
      if (a.sent.mint === WSOL_MINT || a.received.mint === WSOL_MINT) add(WSOL_MINT, ...range);
    }
  }
  return new Map([...raw].map(([m, rs]) => [m, mergeRanges(rs)]));
}

/** Trades whose window is still open, for watches, with the trade price they are judged against. */
export function openTradesOf(wallet: string, txs: NormalizedTx[], series: Map<string, PriceSeries>, cfg: DetectionConfig, nowMs: number): OpenTrade[] {
  const stable = new Set(cfg.stablecoins);
  const open = txs.filter((t) => t.blockTime && !t.failed && Date.parse(t.blockTime) + cfg.windowMs > nowMs);
  const times = Float64Array.from(open, (t) => Date.parse(t.blockTime!));
  const openTrades: OpenTrade[] = [];
  for (const leg of legsOf(open, times, nowMs)) {
    if (stable.has(leg.mint)) continue;
    const priced = priceLeg(leg, series, cfg, stable);
    openTrades.push({ wallet, signature: leg.signature, mint: leg.mint, side: leg.side, atMs: leg.atMs, ...(isPriced(priced) ? { tradePrice: plain(exactPrice(priced, series)) } : {}) });
  }
  return openTrades;
}

export async function quotesFor(db: Db, signatures: string[]): Promise<Map<string, RouteQuote>> {
  const out = new Map<string, RouteQuote>();
  for (let i = 0; i < signatures.length; i += 5000) {
    const rows = await db('route_quotes').whereIn('signature', signatures.slice(i, i + 5000)).select('signature', 'quoted_out', 'quoted_at', 'provider');
    for (const r of rows) out.set(r.signature, { outAmount: String(r.quoted_out), quotedAt: new Date(r.quoted_at).toISOString(), provider: r.provider });
  }
  return out;
}

export function createDetectionActivities({ db, history, detection, cards }: DetectionDeps) {
  const cfg = mergeConfig(detection);
  const renderCards = async (ids: string[]) => {
    // A card that cannot be rendered now is rendered on demand when someone asks for it: never fail detection.
    if (cards && ids.length) await cards.renderMoments(ids).catch(() => undefined);
  };

  async function run(wallet: string, nowMs: number, keep?: (m: Moment) => boolean, windowMs?: number): Promise<{ moments: Moment[]; skipped: number; txs: NormalizedTx[]; priceSource: string; series: Map<string, PriceSeries> }> {
    const txs = await loadWalletHistory(db, wallet);
    const ranges = neededRanges(txs, cfg, nowMs);
    if (history) {
      for (const [mint, rs] of ranges) {
        for (const [from, to] of rs) {
          // A provider that has nothing for a token (not listed) must not sink the wallet: that mint is skipped.
          await ensureHistory(db, history, mint, from, to).catch(() => 0);
          heartbeat({ mint });
        }
      }
    }
    // Idle SOL is valued at its average price over the idle span: load (never fetch) every stored SOL point since the
    // first transaction.
    const first = txs.find((t) => t.blockTime)?.blockTime;
    const load = new Map(ranges);
    if (first) load.set(WSOL_MINT, mergeRanges([...(ranges.get(WSOL_MINT) ?? []), [Date.parse(first), nowMs]]));
    const { series, sources } = await loadSeries(db, load, history?.name);
    const quotes = await quotesFor(db, txs.map((t) => t.signature));
    const { moments, skipped } = detectMoments({
      wallet, transactions: txs, prices: series, nowMs, quotes, config: windowMs ? { ...detection, windowMs } : detection,
      priceSource: (mint) => [...(sources.get(mint) ?? [])].sort().join('+') || 'none',
    });
    return { moments: keep ? moments.filter(keep) : moments, skipped: skipped.length, txs, series, priceSource: history?.name ?? 'jupiter snapshots (no history provider configured)' };
  }

  return {
    /**
     * Historical detection for a wallet: fetches (once) the price windows its trades need, judges every trade,
     * upserts the moments, and lists the trades whose 7-day window is still open, for watches.
     */
    async detectWallet(wallet: string, nowIso?: string): Promise<WalletDetection> {
      const nowMs = nowIso ? Date.parse(nowIso) : Date.now();
      const { moments, skipped, txs, priceSource, series } = await run(wallet, nowMs);
      const stored = await upsertMoments(db, moments);
      await renderCards(stored.changedIds);
      const byKind: Record<string, number> = {};
      for (const m of moments) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
      const openTrades = openTradesOf(wallet, txs, series, cfg, nowMs);
      return { moments: moments.length, byKind, created: stored.created, updated: stored.updated, skipped, openTrades, priceSource };
    },

    /**
     * Re-judges one trade leg with every stored price so far (a watch's crossing, or its end). `windowMs` is the
     * watch's window when it differs from the configured one (tests run 7-day logic in seconds).
     */
    async evaluateTrade(trade: OpenTrade, opts: { nowIso?: string; windowMs?: number } = {}): Promise<{ moment?: Moment; published: boolean }> {
      const kind = trade.side === 'sell' ? 'S2E' : 'BHD';
      const keep = (m: Moment) => m.kind === kind && m.signature === trade.signature && m.mint === trade.mint;
      const { moments } = await run(trade.wallet, opts.nowIso ? Date.parse(opts.nowIso) : Date.now(), keep, opts.windowMs);
      const stored = await upsertMoments(db, moments);
      await renderCards(stored.changedIds);
      return { moment: moments[0], published: stored.eventIds.length > 0 };
    },
  };
}

export const DETECTION_DEFAULTS = DEFAULT_DETECTION;
