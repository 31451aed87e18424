import type { NormalizedTx } from '../parsing/normalized';
import { WSOL_MINT } from '../parsing/constants';

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
export function fifoLots(txs: NormalizedTx[], times: Float64Array): Map<string, LotTimeline> {
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
      if (a.sent) consume(a.sent.mint, toUnits18(a.sent.amount), atMs);
      if (a.received) {
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
