import type { NormalizedTx } from '../parsing/normalized';
import { WSOL_MINT } from '../parsing/constants';
import type { DetectionConfig } from './config';
import { toUnits18, units18ToString, type LotTimeline } from './lots';
import type { IdleSpan } from './idle-yield';

/**
 * What detection needs to remember about a wallet's history to judge the next transactions without reading the
 * history again: for each mint the FIFO lots still open (with, for the swap buys whose window can still change, the
 * trade and what has been consumed of it so far), and for each idle-yield asset its balance, when the current span
 * began and the best closed span so far. It is the fold of detect.ts's walks (lots.ts, idle-yield.ts) over the
 * history up to `last`; folding the next transactions into it gives what a full walk would (the property test in
 * test/unit/incremental-detection.test.ts holds the two to the same moments).
 */
export interface WalletDetectionState {
  version: 1;
  /** Position (time, slot, signature) of the last transaction folded in; later ones can be folded incrementally. */
  last: TxPosition | null;
  /** Open lots per mint, oldest first; remaining in 10^-18 units. */
  lots: Record<string, LotState[]>;
  idle: Record<string, IdleAssetState>;
}

export interface TxPosition { atMs: number; slot: number; signature: string }

export interface BuyState {
  signature: string;
  atMs: number;
  qty: string;
  otherMint: string;
  otherQty: string;
  source?: string;
  /** [time, remaining in 10^-18 units] after each consumption. */
  changes: Array<[number, string]>;
}

export interface LotState { remaining: string; buy?: BuyState }

export interface IdleAssetState {
  /** Balance after the last transaction, in 10^-18 units. */
  balance: string;
  /** When the current (ongoing) span began: the last transaction that moved the asset. */
  spanStart: number | null;
  best?: IdleSpan;
  /** Some closed span could not be valued (idle SOL without a price point in it). */
  noPrice?: boolean;
}

export function emptyState(): WalletDetectionState {
  return { version: 1, last: null, lots: {}, idle: {} };
}

/** History order, as detect.ts sorts: time, then slot, then signature. */
export function comparePositions(a: TxPosition, b: TxPosition): number {
  return a.atMs - b.atMs || a.slot - b.slot || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0);
}

export function positionOf(tx: NormalizedTx): TxPosition | undefined {
  return tx.blockTime ? { atMs: Date.parse(tx.blockTime), slot: tx.slot, signature: tx.signature } : undefined;
}

/** A swap buy's lot as BHD takes it, with the trade it came from. */
export interface TouchedLot { mint: string; buy: BuyState; timeline: LotTimeline }

/** A span that a folded transaction closed, to be judged with prices. */
export interface ClosedSpan { mint: string; start: number; end: number; balance: string; positive: boolean }

export interface Fold {
  state: WalletDetectionState;
  /** Swap-buy lots opened or consumed by the folded transactions: the BHD moments that may have changed. */
  touched: TouchedLot[];
  closed: ClosedSpan[];
}

interface WorkLot { remaining: bigint; buy?: BuyState; timeline?: LotTimeline }

const E9 = 10n ** 9n;

/**
 * Folds transactions that all come after `before.last` (in history order, none after now) into the state: the same
 * FIFO and the same balances as a walk over the whole history. Pure; `before` is not modified.
 */
export function foldTransactions(before: WalletDetectionState, txs: NormalizedTx[], cfg: DetectionConfig): Fold {
  const stable = new Set(cfg.stablecoins);
  const idleMints = Object.keys(cfg.idleYield.apy);
  const lots = new Map<string, WorkLot[]>();
  const lotsOf = (mint: string): WorkLot[] => {
    let l = lots.get(mint);
    if (!l) {
      l = (before.lots[mint] ?? []).map((x) => ({ remaining: BigInt(x.remaining), buy: x.buy ? { ...x.buy, changes: x.buy.changes.slice() } : undefined }));
      lots.set(mint, l);
    }
    return l;
  };
  const touched = new Map<WorkLot, string>();
  const touch = (lot: WorkLot, mint: string) => {
    if (!lot.buy) return;
    if (!lot.timeline) {
      lot.timeline = { atMs: lot.buy.atMs, qty: toUnits18(lot.buy.qty), changes: lot.buy.changes.map(([atMs, r]) => ({ atMs, remaining: BigInt(r) })) };
    }
    touched.set(lot, mint);
  };
  const consume = (mint: string, amount: bigint, atMs: number) => {
    if (!before.lots[mint] && !lots.has(mint)) return;
    const open = lotsOf(mint);
    let left = amount;
    while (left > 0n && open.length) {
      const lot = open[0]!;
      const take = lot.remaining < left ? lot.remaining : left;
      lot.remaining -= take;
      left -= take;
      if (lot.buy) {
        touch(lot, mint);
        lot.buy.changes.push([atMs, lot.remaining.toString()]);
        lot.timeline!.changes.push({ atMs, remaining: lot.remaining });
      }
      if (lot.remaining === 0n) open.shift();
    }
  };

  const idle = new Map<string, { balance: bigint; spanStart: number | null; best?: IdleSpan; noPrice?: boolean }>();
  for (const mint of idleMints) {
    const s = before.idle[mint];
    idle.set(mint, { balance: BigInt(s?.balance ?? '0'), spanStart: s?.spanStart ?? null, best: s?.best, noPrice: s?.noPrice });
  }
  const closed: ClosedSpan[] = [];
  let last = before.last;

  for (const tx of txs) {
    const pos = positionOf(tx);
    if (!pos) continue;
    const atMs = pos.atMs;
    last = pos;
    const feeUnits18 = tx.feeLamports !== '0' ? BigInt(tx.feeLamports) * E9 : 0n;
    const sol = idle.get(WSOL_MINT);
    const balancesBefore = new Map([...idle].map(([m, s]) => [m, s.balance]));
    if (sol && feeUnits18) sol.balance -= feeUnits18;
    if (feeUnits18) consume(WSOL_MINT, feeUnits18, atMs);
    const moved = new Set<string>();
    if (!tx.failed) {
      for (const a of tx.actions) {
        if (a.sent) {
          const u = toUnits18(a.sent.amount);
          const s = idle.get(a.sent.mint);
          if (s) { s.balance -= u; moved.add(a.sent.mint); }
          if (!stable.has(a.sent.mint)) consume(a.sent.mint, u, atMs);
        }
        if (a.received) {
          const u = toUnits18(a.received.amount);
          const s = idle.get(a.received.mint);
          if (s) { s.balance += u; moved.add(a.received.mint); }
          if (!stable.has(a.received.mint)) {
            const lot: WorkLot = { remaining: u };
            if (a.kind === 'swap' && a.sent) {
              lot.buy = { signature: tx.signature, atMs, qty: a.received.amount, otherMint: a.sent.mint, otherQty: a.sent.amount, changes: [], ...(a.source ? { source: a.source } : {}) };
              touch(lot, a.received.mint);
            }
            lotsOf(a.received.mint).push(lot);
          }
        }
      }
    }
    for (const mint of moved) {
      const s = idle.get(mint)!;
      // A span's balance is the one just before the transaction that ends it (fees in between lower it).
      const b = balancesBefore.get(mint)!;
      if (s.spanStart !== null) closed.push({ mint, start: s.spanStart, end: atMs, balance: units18ToString(b), positive: b > 0n });
      s.spanStart = atMs;
    }
  }

  // Lots whose window ended before the last folded transaction can change no more: they keep only their quantity,
  // and neighbours without a trade merge, so the state grows with the open windows, not the history.
  // Every mint is pruned, touched by this fold or not: how a history was cut into batches must not change the state.
  const outLots: Record<string, LotState[]> = {};
  for (const mint of new Set([...Object.keys(before.lots), ...lots.keys()])) {
    const open: WorkLot[] = lots.get(mint) ?? before.lots[mint]!.map((x) => ({ remaining: BigInt(x.remaining), buy: x.buy }));
    const kept: LotState[] = [];
    for (const lot of open) {
      const live = lot.buy && last && lot.buy.atMs + cfg.windowMs >= last.atMs;
      const prev = kept[kept.length - 1];
      if (live) kept.push({ remaining: lot.remaining.toString(), buy: lot.buy });
      else if (prev && !prev.buy) prev.remaining = (BigInt(prev.remaining) + lot.remaining).toString();
      else kept.push({ remaining: lot.remaining.toString() });
    }
    if (kept.length) outLots[mint] = kept;
    else delete outLots[mint];
  }
  const outIdle: Record<string, IdleAssetState> = {};
  for (const [mint, s] of idle) outIdle[mint] = { balance: s.balance.toString(), spanStart: s.spanStart, ...(s.best ? { best: s.best } : {}), ...(s.noPrice ? { noPrice: true } : {}) };
  return {
    state: { version: 1, last, lots: outLots, idle: outIdle },
    touched: [...touched].map(([lot, mint]) => ({ mint, buy: lot.buy!, timeline: lot.timeline! })),
    closed,
  };
}
