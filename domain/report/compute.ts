import { iso } from '../detection/moment';
import { toUnits18, units18ToString } from '../detection/lots';
import { DEFAULT_DETECTION } from '../detection/config';
import type { PriceSeries } from '../detection/price-series';
import { D } from '../money';
import { STABLECOINS, WSOL_MINT } from '../parsing/constants';
import type { Leg, NormalizedTx, WalletAction } from '../parsing/normalized';
import { compareCodePoints, reportOrder } from './order';
import { computeReportReference } from './reference';
import type { MatchedPart, PnlStep, Position, PositionFlows, ReportInput, ReportResult, Unpriced } from './types';
import { round36to18, usd36Text, usd36ToDec } from './usd';

export { usdText } from './usd';

// The report of issue #14 in exact integers: quantities in 10^-18 units, prices in 10^-18 USD, USD amounts in
// 10^-36 units — a product of a price and a quantity is exact, and only the divisions (a lot's share of its cost, a
// disposal's share of its proceeds) round, half to even at 10^-36, far below the 10^-18 the report prints. The same
// rules step by step as reference.ts (decimal.js); a price with more than 18 decimals sends the whole report there.

const E18 = 10n ** 18n;
const LAMPORT_UNITS = 10n ** 9n;
const STALE_MS = DEFAULT_DETECTION.priceStalenessMs;

class NeedsReference extends Error {}

const E9 = 10n ** 9n;
const POW10 = Array.from({ length: 19 }, (_, i) => 10 ** i);

/**
 * A plain decimal with at most 18 decimals as 10^-18 units; anything else is the reference engine's. The usual
 * amount (under 9·10^6 with at most 9 decimals) is read as one float-exact integer of 10^-9 units: two BigInt
 * allocations instead of three strings and a long BigInt parse.
 */
function units18Exact(text: string): bigint {
  const n = text.length;
  let whole = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    whole = whole * 10 + c;
  }
  if (i === n && i > 0 && i <= 15) return BigInt(whole) * E18;
  if (i > 0 && i <= 7 && text.charCodeAt(i) === 46 && n - i - 1 >= 1 && n - i - 1 <= 9) {
    let frac = 0;
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j) - 48;
      if (c < 0 || c > 9) throw new NeedsReference(text);
      frac = frac * 10 + c;
    }
    return BigInt(whole * 1e9 + frac * POW10[9 - (n - i - 1)]!) * E9;
  }
  if (!/^-?\d+(\.\d{1,18})?$/.test(text)) throw new NeedsReference(text);
  return toUnits18(text);
}

/** a / b rounded half to even (b > 0). */
function divRound(a: bigint, b: bigint): bigint {
  const neg = a < 0n;
  const x = neg ? -a : a;
  let q = x / b;
  const r2 = (x % b) * 2n;
  if (r2 > b || (r2 === b && (q & 1n) === 1n)) q += 1n;
  return neg ? -q : q;
}

/** YYYY-MM-DDTHH:MM:SS[.fff]Z without Date.parse's generality (a tenth of its cost); anything else goes to it. */
function parseTime(s: string): number {
  const c = (i: number) => s.charCodeAt(i) - 48;
  if (s.length >= 20 && s[4] === '-' && s[7] === '-' && s[10] === 'T' && s[13] === ':' && s[16] === ':' && s[s.length - 1] === 'Z' && (s.length === 20 || s[19] === '.')) {
    const y = c(0) * 1000 + c(1) * 100 + c(2) * 10 + c(3);
    const ms = s.length === 24 ? c(20) * 100 + c(21) * 10 + c(22) : s.length === 20 ? 0 : Number.NaN;
    const t = Date.UTC(y, c(5) * 10 + c(6) - 1, c(8) * 10 + c(9), c(11) * 10 + c(12), c(14) * 10 + c(15), c(17) * 10 + c(18), ms);
    if (Number.isFinite(t)) return t;
  }
  return Date.parse(s);
}

interface Lot { atMs: number; signature: string; qty: bigint; left: bigint; cost: bigint | null; costLeft: bigint }

interface MintState {
  lots: Lot[];
  head: number;
  realized: bigint;
  acquired: bigint;
  withdrawn: bigint;
  proceeds: bigint;
}

/** Prices at t (design §6) as 10^-18 units, each point parsed once. */
class FastPrices {
  private readonly cache = new Map<PriceSeries, Array<bigint | undefined>>();
  constructor(private readonly series: Map<string, PriceSeries>) {}
  private units(s: PriceSeries, i: number): bigint {
    let c = this.cache.get(s);
    if (!c) this.cache.set(s, (c = new Array(s.length)));
    return (c[i] ??= units18Exact(s.textAt(i)));
  }
  at(mint: string, ms: number): bigint | undefined {
    const s = this.series.get(mint);
    if (!s || !Number.isFinite(ms)) return undefined;
    const i = s.indexAt(ms, STALE_MS);
    return i === undefined ? undefined : this.units(s, i);
  }
  latest(mint: string, ms: number): { text: string; units: bigint } | undefined {
    const s = this.series.get(mint);
    if (!s) return undefined;
    const i = s.upperBound(ms) - 1;
    return i >= 0 ? { text: s.textAt(i), units: this.units(s, i) } : undefined;
  }
}

/**
 * The wallet report of issue #14: FIFO cost basis over one owner's wallets, realized and unrealized PnL, fees,
 * volume and win rate, exactly as reference.ts computes it, at a fraction of its cost.
 */
export function computeReport(input: ReportInput): ReportResult {
  try {
    return fastReport(input);
  } catch (e) {
    if (e instanceof NeedsReference) return computeReportReference(input);
    throw e;
  }
}

function fastReport(input: ReportInput): ReportResult {
  const own = new Set(input.wallets);
  const prices = new FastPrices(input.prices);
  const fromMs = input.fromMs ?? -Infinity;
  const detail = input.detail === true;
  const keepTimeline = detail || input.timeline === true;
  const mints = new Map<string, MintState>();
  const unpriced: Unpriced[] = [];
  const parts: MatchedPart[] = [];
  const timeline: PnlStep[] = [];
  let fees = 0n;
  let volume = 0n;
  let sells = 0;
  let winningSells = 0;
  let actions = 0;
  let tx!: NormalizedTx;
  let atMs = 0;

  const state = (mint: string): MintState => {
    let s = mints.get(mint);
    if (!s) mints.set(mint, (s = { lots: [], head: 0, realized: 0n, acquired: 0n, withdrawn: 0n, proceeds: 0n }));
    return s;
  };

  const part = (mint: string, kind: MatchedPart['kind'], q: bigint, proceeds: bigint | null, lot: Lot | null, p: bigint, cost: bigint | null) => {
    const pp = proceeds === null ? null : p === q ? proceeds : divRound(proceeds * p, q);
    parts.push({
      atMs, signature: tx.signature, wallet: tx.wallet, mint, qty: units18ToString(p),
      proceedsUsd: pp === null ? null : usd36Text(pp), costUsd: cost === null ? null : usd36Text(cost),
      realizedUsd: pp !== null && cost !== null ? usd36Text(pp - cost) : '0', kind, lotAtMs: lot?.atMs ?? null, lotSignature: lot?.signature ?? null,
    });
  };

  /** Takes q oldest first: [known-cost quantity, its cost]. */
  let takenKnown = 0n;
  const take = (mint: string, s: MintState, q: bigint, kind: MatchedPart['kind'] | null, proceeds: bigint | null): bigint => {
    let rest = q;
    let known = 0n;
    let cost = 0n;
    const lots = s.lots;
    while (rest > 0n && s.head < lots.length) {
      const lot = lots[s.head]!;
      const p = lot.left <= rest ? lot.left : rest;
      let partCost: bigint | null = null;
      if (lot.cost !== null) {
        partCost = p === lot.left ? lot.costLeft : divRound(lot.cost * p, lot.qty);
        lot.costLeft = p === lot.left ? 0n : lot.costLeft - partCost;
        cost += partCost;
        known += p;
      }
      lot.left -= p;
      rest -= p;
      if (lot.left === 0n) {
        lots[s.head] = undefined as unknown as Lot;
        s.head++;
      }
      if (kind) part(mint, kind, q, proceeds, lot, p, partCost);
    }
    if (rest > 0n && kind) part(mint, kind, q, proceeds, null, rest, null);
    if (s.head > 1024 && s.head * 2 > lots.length) {
      s.lots = lots.slice(s.head);
      s.head = 0;
    }
    takenKnown = known;
    return cost;
  };

  const acquire = (mint: string, q: bigint, cost: bigint | null) => {
    const s = state(mint);
    if (cost !== null) s.acquired += cost;
    if (q > 0n) s.lots.push({ atMs, signature: tx.signature, qty: q, left: q, cost, costLeft: cost ?? 0n });
  };

  // Each leg's quantity is read once (0n: no leg).
  const swapValue = (sent: Leg | null, sq: bigint, received: Leg | null, rq: bigint): bigint | undefined => {
    if (sent && STABLECOINS.has(sent.mint)) return sq * E18;
    if (received && STABLECOINS.has(received.mint)) return rq * E18;
    const solQ = sent?.mint === WSOL_MINT ? sq : received?.mint === WSOL_MINT ? rq : null;
    if (solQ !== null) {
      const p = prices.at(WSOL_MINT, atMs);
      if (p !== undefined) return p * solQ;
    }
    if (sent) {
      const p = prices.at(sent.mint, atMs);
      if (p !== undefined) return p * sq;
    }
    if (received) {
      const p = prices.at(received.mint, atMs);
      if (p !== undefined) return p * rq;
    }
    return undefined;
  };

  const swap = (a: WalletAction, counting: boolean) => {
    const { sent, received } = a;
    if (!sent && !received) return;
    const sq = sent ? units18Exact(sent.amount) : 0n;
    const rq = received ? units18Exact(received.amount) : 0n;
    const v = swapValue(sent, sq, received, rq);
    if (v === undefined && counting) unpriced.push({ signature: tx.signature, mint: (received ?? sent)!.mint, reason: 'swap' });
    if (v !== undefined && counting) volume += v;
    let realizedHere = 0n;
    if (sent && !STABLECOINS.has(sent.mint)) {
      const q = sq;
      const s = state(sent.mint);
      if (q > 0n) {
        const cost = take(sent.mint, s, q, detail ? (v === undefined ? 'unpriced_swap' : 'sell') : null, v ?? null);
        if (v !== undefined) {
          s.proceeds += v;
          if (takenKnown > 0n) {
            const proceeds = takenKnown === q ? v : divRound(v * takenKnown, q);
            const realized = proceeds - cost;
            if (counting) {
              s.realized += realized;
              sells++;
              // A win is what the report prints as a gain: a sell at cost to 10^-18 USD is not one.
              if (round36to18(realized) > 0n) winningSells++;
              realizedHere = realized;
            }
          }
        } else {
          s.withdrawn += cost;
        }
      }
    }
    if (received && !STABLECOINS.has(received.mint)) acquire(received.mint, rq, v ?? null);
    if (keepTimeline && counting && v !== undefined) timeline.push({ atMs, realized36: realizedHere, fees36: 0n, volume36: v });
  };

  const withdraw = (mint: string, q: bigint, kind: 'transfer_out' | 'fee') => {
    const s = state(mint);
    s.withdrawn += take(mint, s, q, detail ? kind : null, null);
  };

  const transfer = (a: WalletAction) => {
    if (a.counterparty !== undefined && own.has(a.counterparty)) {
      if (a.sent && !STABLECOINS.has(a.sent.mint)) state(a.sent.mint);
      if (a.received && !STABLECOINS.has(a.received.mint)) state(a.received.mint);
      return;
    }
    if (a.sent && !STABLECOINS.has(a.sent.mint)) withdraw(a.sent.mint, units18Exact(a.sent.amount), 'transfer_out');
    if (a.received && !STABLECOINS.has(a.received.mint)) {
      const q = units18Exact(a.received.amount);
      const p = prices.at(a.received.mint, atMs);
      acquire(a.received.mint, q, p === undefined ? null : p * q);
    }
  };

  const txs = input.transactions;
  const nowMs = input.nowMs;
  const { keep, times } = reportOrder(txs, nowMs, parseTime);

  const feeUnits = new Map<string, bigint>();
  for (const k of keep) {
    tx = txs[k]!;
    atMs = times[k]!;
    const counting = atMs >= fromMs;
    const fee = tx.feeLamports;
    if (fee !== '0' && fee !== '') {
      // Fees repeat (5000 lamports is most of them): each amount is converted once.
      let units = feeUnits.get(fee);
      if (units === undefined) feeUnits.set(fee, (units = BigInt(fee) * LAMPORT_UNITS));
      if (units > 0n) {
        withdraw(WSOL_MINT, units, 'fee');
        const p = prices.at(WSOL_MINT, atMs);
        if (counting) {
          if (p !== undefined) {
            const usd = p * units;
            fees += usd;
            if (keepTimeline) timeline.push({ atMs, realized36: 0n, fees36: usd, volume36: 0n });
          } else {
            unpriced.push({ signature: tx.signature, mint: WSOL_MINT, reason: 'fee' });
          }
        }
      }
    }
    if (tx.failed) continue;
    for (const a of tx.actions) {
      actions++;
      if (a.kind === 'swap') swap(a, counting);
      else transfer(a);
    }
  }

  const positions: Position[] = [];
  let realizedTotal = 0n;
  let unrealizedTotal = 0n;
  const flows = new Map<string, PositionFlows>();
  for (const mint of [...mints.keys()].sort(compareCodePoints)) {
    const s = mints.get(mint)!;
    let held = 0n;
    let unknownQty = 0n;
    let costBasis = 0n;
    for (let i = s.head; i < s.lots.length; i++) {
      const lot = s.lots[i]!;
      held += lot.left;
      if (lot.cost === null) unknownQty += lot.left;
      else costBasis += lot.costLeft;
    }
    const latest = prices.latest(mint, nowMs);
    const realized = round36to18(s.realized);
    const unrealized = latest === undefined ? null : round36to18((held - unknownQty) * latest.units - costBasis);
    realizedTotal += realized;
    if (unrealized !== null) unrealizedTotal += unrealized;
    flows.set(mint, { acquiredCostUsd: usd36ToDec(s.acquired), withdrawnCostUsd: usd36ToDec(s.withdrawn), proceedsUsd: usd36ToDec(s.proceeds) });
    positions.push({
      mint,
      held: units18ToString(held),
      costBasisUsd: usd36Text(costBasis),
      priceUsd: latest === undefined ? null : new D(latest.text).toFixed(),
      valueUsd: latest === undefined ? null : usd36Text(held * latest.units),
      realizedPnlUsd: realized === 0n ? '0' : units18ToString(realized),
      unrealizedPnlUsd: unrealized === null ? null : unrealized === 0n ? '0' : units18ToString(unrealized),
      unknownCostQty: units18ToString(unknownQty),
    });
  }
  const text18 = (u: bigint) => (u === 0n ? '0' : units18ToString(u));
  const feesRounded = round36to18(fees);
  return {
    report: {
      now: iso(nowMs),
      wallets: [...own],
      positions,
      totals: {
        realizedPnlUsd: text18(realizedTotal),
        unrealizedPnlUsd: text18(unrealizedTotal),
        feesUsd: text18(feesRounded),
        netPnlUsd: text18(realizedTotal + unrealizedTotal - feesRounded),
        volumeUsd: usd36Text(volume),
        sells,
        winningSells,
        winRate: sells === 0 ? null : new D(winningSells).div(sells).toFixed(4, D.ROUND_HALF_UP),
      },
      unpriced,
    },
    flows,
    parts,
    timeline,
    actions,
  };
}
