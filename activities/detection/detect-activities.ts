import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../lib/db';
import { WSOL_MINT } from '../../domain/parsing/constants';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import type { HistoryProvider } from '../../adapters/pricing/history-providers';
import { HttpError } from '../../adapters/http/get-json';
import { ensureHistory, loadSeries, mergeRanges } from '../../adapters/pricing/price-store';
import type { CardService } from '../../adapters/rendering/card-service';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { DEFAULT_DETECTION, mergeConfig, type DetectionConfig } from '../../domain/detection/config';
import { detectMoments } from '../../domain/detection/detect';
import type { RouteQuote } from '../../domain/detection/detectors';
import type { Moment } from '../../domain/detection/moment';
import type { Skip } from '../../domain/detection/detect';
import type { PriceSeries } from '../../domain/detection/price-series';
import { plain } from '../../domain/money';
import { exactPrice, isPriced, legsOf, priceLeg } from '../../domain/detection/trades';
import { loadWalletHistory } from '../../adapters/stores/wallet-history';
import { replaceTradeSkips } from '../../adapters/stores/trade-skips';
import { heldAt, lotKey } from '../../domain/detection/held';
import { spamMints } from '../../adapters/stores/token-store';
import type { DenyList } from '../../domain/tokens/spam';

export interface OpenTrade {
  wallet: string;
  signature: string;
  mint: string;
  side: 'buy' | 'sell';
  atMs: number;
  tradePrice?: string;
  /** What the $ threshold is judged on from now: the quantity sold, or what is still held of the bought lot. */
  quantity?: string;
}

export interface DetectionDeps {
  db: Db;
  /** Renders the cards of new or changed moments; without it cards are rendered on demand by the gateway. */
  cards?: CardService;
  history?: HistoryProvider;
  detection?: Partial<DetectionConfig>;
  /** TOKEN_DENYLIST: mints (or /patterns/ on symbol and name) that are always spam. */
  denyList?: DenyList;
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

/** A provider failure that may pass (rate limit, server error, network) once the HTTP client's own retries are spent. */
const isTransient = (e: unknown) => !(e instanceof HttpError) || e.status === 0 || e.status === 429 || e.status >= 500;

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
  const legs = legsOf(open, times, nowMs).filter((l) => !stable.has(l.mint));
  // A buy's watch judges what is still held of its lot; later sells (in these transactions) shrink it.
  const held = heldAt(txs, legs.filter((l) => l.side === 'buy'), nowMs);
  for (const leg of legs) {
    const quantity = leg.side === 'sell' ? leg.qty : held.get(lotKey(leg.signature, leg.mint)) ?? leg.qty;
    const priced = priceLeg(leg, series, cfg, stable);
    openTrades.push({ wallet, signature: leg.signature, mint: leg.mint, side: leg.side, atMs: leg.atMs, quantity, ...(isPriced(priced) ? { tradePrice: plain(exactPrice(priced, series)) } : {}) });
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

/**
 * Marks the moments on tokens that are spam for their wallet (issue #19): stored, but hidden unless asked for. Every
 * path that upserts moments marks them — the upsert writes the flag, so a path that did not would clear it.
 */
export async function markSpam(db: Db, wallet: string, moments: Moment[], stablecoins: string[], deny?: DenyList): Promise<void> {
  if (!moments.length) return;
  const spam = await spamMints(db, wallet, moments.map((m) => m.mint), deny, stablecoins);
  for (const m of moments) m.spam = spam.has(m.mint);
}

export function createDetectionActivities({ db, history, detection, cards, denyList }: DetectionDeps) {
  const cfg = mergeConfig(detection);
  const renderCards = async (ids: string[]) => {
    // A card that cannot be rendered now is rendered on demand when someone asks for it: never fail detection.
    if (cards && ids.length) await cards.renderMoments(ids).catch(() => undefined);
  };

  async function run(wallet: string, nowMs: number): Promise<{ moments: Moment[]; skipped: Skip[]; txs: NormalizedTx[]; priceSource: string; series: Map<string, PriceSeries>; failed: Map<string, { reason: string; transient: boolean }> }> {
    const txs = await loadWalletHistory(db, wallet);
    const ranges = neededRanges(txs, cfg, nowMs);
    // A mint whose history cannot be had is not swallowed: its trades are skipped with the provider's reason.
    const failed = new Map<string, { reason: string; transient: boolean }>();
    if (history) {
      for (const [mint, rs] of ranges) {
        for (const [from, to] of rs) {
          try {
            await ensureHistory(db, history, mint, from, to, { nowMs });
          } catch (e) {
            failed.set(mint, { reason: `${history.name}: ${(e as Error).message}`, transient: isTransient(e) });
            break;
          }
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
      wallet, transactions: txs, prices: series, nowMs, quotes, config: detection,
      priceSource: (mint) => [...(sources.get(mint) ?? [])].sort().join('+') || 'none',
    });
    const why = (s: Skip) => failed.get(s.mint) ?? failed.get(WSOL_MINT);
    const explained = skipped.map((s) => (why(s) ? { ...s, reason: `${s.reason} (price history unavailable: ${why(s)!.reason})` } : s));
    // A trade priced at execution still needs its mint's prices after it: without them it is skipped, and says why.
    if (failed.size) {
      const have = new Set(explained.map((s) => `${s.signature}|${s.mint}|${s.kind}`));
      const times = Float64Array.from(txs, (t) => (t.blockTime ? Date.parse(t.blockTime) : -Infinity));
      for (const leg of legsOf(txs, times, nowMs)) {
        const f = failed.get(leg.mint);
        const kind = leg.side === 'sell' ? 'S2E' : 'BHD';
        if (f && !have.has(`${leg.signature}|${leg.mint}|${kind}`)) explained.push({ signature: leg.signature, mint: leg.mint, kind, reason: `price history unavailable: ${f.reason}` });
      }
    }
    await markSpam(db, wallet, moments, cfg.stablecoins, denyList);
    return { moments, skipped: explained, txs, series, failed, priceSource: history?.name ?? 'jupiter snapshots (no history provider configured)' };
  }

  return {
    /**
     * Historical detection for a wallet: fetches (once) the price windows its trades need, judges every trade,
     * upserts the moments, and lists the trades whose 7-day window is still open, for watches.
     */
    async detectWallet(wallet: string, nowIso?: string): Promise<WalletDetection> {
      const nowMs = nowIso ? Date.parse(nowIso) : Date.now();
      const { moments, skipped, txs, priceSource, series, failed } = await run(wallet, nowMs);
      const stored = await upsertMoments(db, moments);
      await replaceTradeSkips(db, wallet, skipped);
      await renderCards(stored.changedIds);
      // What could be judged is published; a provider that is only failing for now fails the activity, whose retries
      // (with backoff) fetch what is missing and publish the moments it was holding back.
      const transient = [...failed].filter(([, f]) => f.transient);
      if (transient.length) {
        throw ApplicationFailure.retryable(`price history unavailable for ${transient.length} mint(s): ${transient.map(([m, f]) => `${m}: ${f.reason}`).join('; ').slice(0, 500)}`, 'PriceHistoryUnavailable');
      }
      const byKind: Record<string, number> = {};
      for (const m of moments) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
      // Trades whose window is still open go to watches, with the trade price they are judged against.
      const openTrades = openTradesOf(wallet, txs, series, cfg, nowMs);
      return { moments: moments.length, byKind, created: stored.created, updated: stored.updated, skipped: skipped.length, openTrades, priceSource };
    },

    /**
     * Judges one trade leg — its wallet, its mint, its lot — on the prices stored so far (a watch's alarm, or its
     * end), and upserts its moment. Nothing is fetched from a provider and nothing else of the wallet is judged.
     * `windowMs` is the watch's window when it differs from the configured one (tests run 7-day logic in seconds).
     */
    async evaluateTrade(trade: OpenTrade, opts: { nowIso?: string; windowMs?: number } = {}): Promise<{ moment?: Moment; published: boolean; held?: string }> {
      const nowMs = opts.nowIso ? Date.parse(opts.nowIso) : Date.now();
      const windowMs = opts.windowMs ?? cfg.windowMs;
      const kind = trade.side === 'sell' ? 'S2E' : 'BHD';
      const txs = await loadWalletHistory(db, trade.wallet, { mint: trade.mint });
      const stale = cfg.priceStalenessMs;
      // The mint over the window, and SOL at the trade (a trade against SOL is priced through it).
      const load = new Map<string, Array<[number, number]>>([[trade.mint, [[trade.atMs - stale, Math.min(nowMs, trade.atMs + windowMs)]]]]);
      if (trade.mint !== WSOL_MINT) load.set(WSOL_MINT, [[trade.atMs - stale, trade.atMs + stale]]);
      const { series, sources } = await loadSeries(db, load, history?.name);
      const { moments } = detectMoments({
        wallet: trade.wallet, transactions: txs, prices: series, nowMs, kinds: [kind], config: { ...detection, windowMs },
        priceSource: (mint) => [...(sources.get(mint) ?? [])].sort().join('+') || 'none',
      });
      const mine = moments.filter((m) => m.signature === trade.signature && m.mint === trade.mint);
      await markSpam(db, trade.wallet, mine, cfg.stablecoins, denyList);
      const stored = await upsertMoments(db, mine);
      // The card is drawn by its first reader (the gateway), as a live batch's are: drawn here, a burst of crossings
      // queued every woken watch behind the others' cards on the worker's renderer before its moment was out.
      const held = trade.side === 'buy' ? heldAt(txs, [trade], nowMs).get(lotKey(trade.signature, trade.mint)) : undefined;
      return { moment: mine[0], published: stored.eventIds.length > 0, ...(held !== undefined ? { held } : {}) };
    },
  };
}

export const DETECTION_DEFAULTS = DEFAULT_DETECTION;
