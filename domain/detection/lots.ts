import type { NormalizedTx } from '../parsing/normalized';
import { WSOL_MINT } from '../parsing/constants';
import { feeUnits, toUnits, unitScales, unitsTo18, type UnitScale } from './units';

const SCALE = 18;

/** A decimal string as an integer of 10^-18 units: exact, and far cheaper than Decimal in a loop over every action. */
const E18 = 10n ** 18n;
const E9 = 10n ** 9n;

export function toUnits18(amount: string): bigint {
  const dot = amount.indexOf('.');
  if (dot < 0) return BigInt(amount) * E18;
  const frac = amount.slice(dot + 1, dot + 1 + SCALE).padEnd(SCALE, '0');
  return BigInt(amount.slice(0, dot) + frac);
}

export function units18ToString(u: bigint): string {
  const neg = u < 0n;
  const s = (neg ? -u : u).toString().padStart(SCALE + 1, '0');
  const whole = s.slice(0, s.length - SCALE);
  const frac = s.slice(s.length - SCALE).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

export interface LotChange { atMs: number; remaining: bigint }

export interface LotTimeline {
  atMs: number;
  qty: bigint;
  /** What is left of the lot after each consumption, in time order. */
  changes: LotChange[];
}

interface OpenLot { remaining: bigint; timeline?: LotTimeline }

export const lotKey = (signature: string, mint: string) => `${signature}|${mint}`;

/**
 * FIFO lots per mint over the wallet's history: whatever comes in opens a lot, whatever goes out (sells, sends, and
 * for SOL the fees) consumes the oldest lots first. Timelines are kept for swap buys, the lots BHD judges. Selling
 * more than the known lots (history that starts mid-way) consumes what there is and no more.
 */
export function fifoLots(txs: NormalizedTx[], times: Float64Array, only?: Set<string>): Map<string, LotTimeline> {
  const open = new Map<string, OpenLot[]>();
  const heads = new Map<string, number>();
  const timelines = new Map<string, LotTimeline>();
  const consume = (mint: string, amount: bigint, atMs: number) => {
    const lots = open.get(mint);
    if (!lots) return;
    let head = heads.get(mint) ?? 0;
    let left = amount;
    while (left > 0n && head < lots.length) {
      const lot = lots[head]!;
      const take = lot.remaining < left ? lot.remaining : left;
      lot.remaining -= take;
      left -= take;
      lot.timeline?.changes.push({ atMs, remaining: lot.remaining });
      if (lot.remaining === 0n) head++;
    }
    heads.set(mint, head);
  };
  const add = (mint: string, amount: bigint, timeline?: LotTimeline) => {
    let lots = open.get(mint);
    if (!lots) open.set(mint, (lots = []));
    lots.push({ remaining: amount, timeline });
  };
  for (let k = 0; k < txs.length; k++) {
    const tx = txs[k]!;
    if (!tx.blockTime) continue;
    const atMs = times[k]!;
    if (tx.feeLamports !== '0' && open.has(WSOL_MINT)) consume(WSOL_MINT, BigInt(tx.feeLamports) * E9, atMs);
    if (tx.failed) continue;
    for (const a of tx.actions) {
      if (a.sent && (!only || only.has(a.sent.mint))) consume(a.sent.mint, toUnits18(a.sent.amount), atMs);
      if (a.received && (!only || only.has(a.received.mint))) {
        const qty = toUnits18(a.received.amount);
        if (a.kind === 'swap') {
          const timeline: LotTimeline = { atMs, qty, changes: [] };
          timelines.set(lotKey(tx.signature, a.received.mint), timeline);
          add(a.received.mint, qty, timeline);
        } else {
          add(a.received.mint, qty);
        }
      }
    }
  }
  return timelines;
}

/** 10^-18 units as a float, for screening only. */
export function units18ToFloat(u: bigint): number {
  return Number(u) / 1e18;
}

interface FastMint { u: UnitScale; remaining: number[]; timeline: Array<LotTimeline | undefined>; head: number; wanted: Set<string> }

/**
 * The timelines of the lots opened by the given swap buys (`wanted`: mint → signatures), and only those: the same FIFO
 * as fifoLots, but walking only the mints asked about, in exact integer units held in doubles where the mint allows
 * (units.ts) and in bigints where it does not. The answer is identical either way; the double path is what lets
 * detection keep up with a million actions.
 */
export function lotTimelinesFor(txs: NormalizedTx[], times: Float64Array, wanted: Map<string, Set<string>>): Map<string, LotTimeline> {
  const out = new Map<string, LotTimeline>();
  if (wanted.size === 0) return out;
  const scales = unitScales(txs, times, new Set(wanted.keys()));
  const slow = new Set<string>();
  const fast = new Map<string, FastMint>();
  for (const [mint, u] of scales) {
    if (u) fast.set(mint, { u, remaining: [], timeline: [], head: 0, wanted: wanted.get(mint)! });
    else slow.add(mint);
  }
  if (slow.size) {
    for (const [key, timeline] of fifoLots(txs, times, slow)) {
      const bar = key.lastIndexOf('|');
      if (wanted.get(key.slice(bar + 1))?.has(key.slice(0, bar))) out.set(key, timeline);
    }
  }
  if (fast.size === 0) return out;
  const sol = fast.get(WSOL_MINT);
  const consume = (m: FastMint, amount: number, atMs: number) => {
    let left = amount;
    while (left > 0 && m.head < m.remaining.length) {
      const h = m.head;
      const have = m.remaining[h]!;
      const take = have < left ? have : left;
      const rest = have - take;
      m.remaining[h] = rest;
      left -= take;
      const t = m.timeline[h];
      if (t) t.changes.push({ atMs, remaining: unitsTo18(rest, m.u) });
      if (rest === 0) m.head++;
    }
  };
  for (let k = 0; k < txs.length; k++) {
    const tx = txs[k]!;
    if (!tx.blockTime) continue;
    const atMs = times[k]!;
    if (sol && tx.feeLamports !== '0') consume(sol, feeUnits(tx.feeLamports, sol.u), atMs);
    if (tx.failed) continue;
    for (const a of tx.actions) {
      if (a.sent) {
        const m = fast.get(a.sent.mint);
        if (m) consume(m, toUnits(Number(a.sent.amount), m.u), atMs);
      }
      if (a.received) {
        const m = fast.get(a.received.mint);
        if (!m) continue;
        const qty = toUnits(Number(a.received.amount), m.u);
        let timeline: LotTimeline | undefined;
        if (a.kind === 'swap' && m.wanted.has(tx.signature)) {
          timeline = { atMs, qty: unitsTo18(qty, m.u), changes: [] };
          out.set(lotKey(tx.signature, a.received.mint), timeline);
        }
        m.remaining.push(qty);
        m.timeline.push(timeline);
      }
    }
  }
  return out;
}
