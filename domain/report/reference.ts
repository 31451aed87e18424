import { iso } from '../detection/moment';
import { toUnits18, units18ToString } from '../detection/lots';
import { D, type Dec } from '../money';
import { mulDivUsd, X, XZERO as ZERO } from './exact';
import { STABLECOINS, WSOL_MINT } from '../parsing/constants';
import type { Leg, NormalizedTx, WalletAction } from '../parsing/normalized';
import { LotQueue, type Lot, type PartSink } from './lots';
import { compareCodePoints, reportOrder } from './order';
import { PriceBook } from './prices';
import type { MatchedPart, PnlStep, Position, PositionFlows, ReportInput, ReportResult, Unpriced } from './types';
import Decimal from 'decimal.js';

const LAMPORT_UNITS = 10n ** 9n; // one lamport in 10^-18 SOL units

import { usdText } from './usd';

/** A decimal USD amount in the timeline's 10^-36 units. */
const to36 = (x: Dec): bigint => BigInt(x.times('1e36').toFixed(0));

const qtyDec = (u: bigint): Dec => new X(units18ToString(u));

interface MintState {
  lots: LotQueue;
  realized: Dec;
  flows: PositionFlows;
}

/**
 * The wallet report of issue #14 in decimal.js throughout: FIFO cost basis over one owner's wallets, realized and
 * unrealized PnL, fees, volume and win rate. Quantities in 10^-18 integer units, USD in decimals. The reference the
 * fast engine (compute.ts) is checked against, and what it falls back to for prices it cannot hold exactly.
 */
export function computeReportReference(input: ReportInput): ReportResult {
  const own = new Set(input.wallets);
  const prices = new PriceBook(input.prices);
  const fromMs = input.fromMs ?? -Infinity;
  const detail = input.detail === true;
  const keepTimeline = detail || input.timeline === true;
  const mints = new Map<string, MintState>();
  const unpriced: Unpriced[] = [];
  const parts: MatchedPart[] = [];
  const timeline: PnlStep[] = [];
  let fees: Dec = ZERO;
  let volume: Dec = ZERO;
  let sells = 0;
  let winningSells = 0;
  let actions = 0;

  const state = (mint: string): MintState => {
    let s = mints.get(mint);
    if (!s) mints.set(mint, (s = { lots: new LotQueue(), realized: ZERO, flows: { acquiredCostUsd: ZERO, withdrawnCostUsd: ZERO, proceedsUsd: ZERO } }));
    return s;
  };
  const isStable = (mint: string) => STABLECOINS.has(mint);

  let cur: { tx: NormalizedTx; atMs: number } = { tx: undefined as unknown as NormalizedTx, atMs: 0 };
  const sinkFor = (mint: string, kind: MatchedPart['kind'], q: bigint, proceeds: Dec | null): PartSink | undefined => {
    if (!detail) return undefined;
    return (lot: Lot | null, part: bigint, cost: Dec | null) => {
      const p = proceeds === null ? null : part === q ? proceeds : mulDivUsd(proceeds, part, q);
      const realized = p !== null && cost !== null ? p.minus(cost) : ZERO;
      parts.push({
        atMs: cur.atMs, signature: cur.tx.signature, wallet: cur.tx.wallet, mint, qty: units18ToString(part),
        proceedsUsd: p === null ? null : usdText(p), costUsd: cost === null ? null : usdText(cost), realizedUsd: usdText(realized),
        kind, lotAtMs: lot?.atMs ?? null, lotSignature: lot?.signature ?? null,
      });
    };
  };

  /** Lots leave without a sale: a transfer out or a fee. */
  const withdraw = (mint: string, q: bigint, kind: 'transfer_out' | 'fee') => {
    const s = state(mint);
    const taken = s.lots.take(q, sinkFor(mint, kind, q, null));
    s.flows.withdrawnCostUsd = s.flows.withdrawnCostUsd.plus(taken.cost);
  };
  const acquire = (mint: string, q: bigint, cost: Dec | null) => {
    const s = state(mint);
    if (cost !== null) s.flows.acquiredCostUsd = s.flows.acquiredCostUsd.plus(cost);
    s.lots.add({ atMs: cur.atMs, signature: cur.tx.signature, qty: q, left: q, cost, costLeft: cost });
  };

  const swapValue = (sent: Leg | null, received: Leg | null, atMs: number): Dec | undefined => {
    if (sent && isStable(sent.mint)) return new X(sent.amount);
    if (received && isStable(received.mint)) return new X(received.amount);
    const solLeg = sent?.mint === WSOL_MINT ? sent : received?.mint === WSOL_MINT ? received : null;
    if (solLeg) {
      const p = prices.at(WSOL_MINT, atMs);
      if (p) return p.times(solLeg.amount);
    }
    for (const leg of [sent, received]) {
      if (!leg) continue;
      const p = prices.at(leg.mint, atMs);
      if (p) return p.times(leg.amount);
    }
    return undefined;
  };

  const swap = (a: WalletAction, counting: boolean, atMs: number) => {
    const sent = a.sent;
    const received = a.received;
    if (!sent && !received) return;
    const v = swapValue(sent, received, atMs);
    if (v === undefined && counting) unpriced.push({ signature: cur.tx.signature, mint: (received ?? sent)!.mint, reason: 'swap' });
    if (v !== undefined && counting) volume = volume.plus(v);
    let realizedHere: Dec = ZERO;
    if (sent && !isStable(sent.mint)) {
      const q = toUnits18(sent.amount);
      const s = state(sent.mint);
      if (q > 0n) {
        const taken = s.lots.take(q, sinkFor(sent.mint, v === undefined ? 'unpriced_swap' : 'sell', q, v ?? null));
        if (v !== undefined) {
          s.flows.proceedsUsd = s.flows.proceedsUsd.plus(v);
          if (taken.known > 0n) {
            const proceeds = taken.known === q ? v : mulDivUsd(v, taken.known, q);
            const realized = proceeds.minus(taken.cost);
            if (counting) {
              s.realized = s.realized.plus(realized);
              sells++;
              // A win is what the report prints as a gain (usdText): 40 significant digits leave a sell at cost
              // up to 10^-29 USD away from 0, and such a sell is not a win.
              if (realized.toDecimalPlaces(18, Decimal.ROUND_HALF_UP).gt(0)) winningSells++;
              realizedHere = realized;
            }
          }
        } else {
          // Unpriced: the lots leave at cost, as a withdrawal does; nothing is realized.
          s.flows.withdrawnCostUsd = s.flows.withdrawnCostUsd.plus(taken.cost);
        }
      }
    }
    if (received && !isStable(received.mint)) {
      const q = toUnits18(received.amount);
      acquire(received.mint, q, v ?? null);
    }
    if (keepTimeline && counting && v !== undefined) timeline.push({ atMs, realized36: to36(realizedHere), fees36: 0n, volume36: to36(v) });
  };

  const transfer = (a: WalletAction, atMs: number) => {
    // Between the owner's own wallets nothing happens: cost basis and acquisition order travel with the tokens.
    if (a.counterparty !== undefined && own.has(a.counterparty)) {
      if (a.sent && !isStable(a.sent.mint)) state(a.sent.mint);
      if (a.received && !isStable(a.received.mint)) state(a.received.mint);
      return;
    }
    if (a.sent && !isStable(a.sent.mint)) withdraw(a.sent.mint, toUnits18(a.sent.amount), 'transfer_out');
    if (a.received && !isStable(a.received.mint)) {
      const q = toUnits18(a.received.amount);
      const p = prices.at(a.received.mint, atMs);
      acquire(a.received.mint, q, p ? p.times(a.received.amount) : null);
    }
  };

  const { keep, times } = reportOrder(input.transactions, input.nowMs, Date.parse);
  for (const k of keep) {
    const tx = input.transactions[k]!;
    const atMs = times[k]!;
    cur = { tx, atMs };
    const counting = atMs >= fromMs;
    if (tx.feeLamports !== '0' && tx.feeLamports !== '') {
      const lamports = BigInt(tx.feeLamports);
      if (lamports > 0n) {
        withdraw(WSOL_MINT, lamports * LAMPORT_UNITS, 'fee');
        const p = prices.at(WSOL_MINT, atMs);
        if (counting) {
          if (p) {
            const usd = p.times(lamports.toString()).div(1e9);
            fees = fees.plus(usd);
            if (keepTimeline) timeline.push({ atMs, realized36: 0n, fees36: to36(usd), volume36: 0n });
          } else {
            unpriced.push({ signature: tx.signature, mint: WSOL_MINT, reason: 'fee' });
          }
        }
      }
    }
    if (tx.failed) continue;
    for (const a of tx.actions) {
      actions++;
      if (a.kind === 'swap') swap(a, counting, atMs);
      else transfer(a, atMs);
    }
  }

  const positions: Position[] = [];
  let realizedTotal: Dec = ZERO;
  let unrealizedTotal: Dec = ZERO;
  const flows = new Map<string, PositionFlows>();
  for (const mint of [...mints.keys()].sort(compareCodePoints)) {
    const s = mints.get(mint)!;
    const h = s.lots.holdings();
    const priceText = prices.latestText(mint, input.nowMs);
    const price = priceText === undefined ? null : new X(priceText);
    const held = qtyDec(h.held);
    const realized = usdText(s.realized);
    const unrealized = price === null ? null : usdText(held.minus(qtyDec(h.unknownQty)).times(price).minus(h.costBasis));
    realizedTotal = realizedTotal.plus(realized);
    if (unrealized !== null) unrealizedTotal = unrealizedTotal.plus(unrealized);
    flows.set(mint, s.flows);
    positions.push({
      mint,
      held: units18ToString(h.held),
      costBasisUsd: usdText(h.costBasis),
      priceUsd: priceText === undefined ? null : new X(priceText).toFixed(),
      valueUsd: price === null ? null : usdText(held.times(price)),
      realizedPnlUsd: realized,
      unrealizedPnlUsd: unrealized,
      unknownCostQty: units18ToString(h.unknownQty),
    });
  }
  const feesText = usdText(fees);
  return {
    report: {
      now: iso(input.nowMs),
      wallets: [...own],
      positions,
      totals: {
        realizedPnlUsd: usdText(realizedTotal),
        unrealizedPnlUsd: usdText(unrealizedTotal),
        feesUsd: feesText,
        netPnlUsd: usdText(realizedTotal.plus(unrealizedTotal).minus(feesText)),
        volumeUsd: usdText(volume),
        sells,
        winningSells,
        winRate: sells === 0 ? null : new D(winningSells).div(sells).toFixed(4, Decimal.ROUND_HALF_UP),
      },
      unpriced,
    },
    flows,
    parts,
    timeline,
    actions,
  };
}
