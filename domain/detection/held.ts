import type { NormalizedTx } from '../parsing/normalized';
import { lotKey, lotTimelinesFor, units18ToString } from './lots';

/**
 * What is still held at `atMs` of the lots the given swap buys opened (FIFO, the lots BHD judges), by
 * lotKey(signature, mint). `txs` in history order; a buy that is not in them is absent.
 */
export function heldAt(txs: NormalizedTx[], buys: Array<{ signature: string; mint: string }>, atMs: number): Map<string, string> {
  const wanted = new Map<string, Set<string>>();
  for (const b of buys) {
    let sigs = wanted.get(b.mint);
    if (!sigs) wanted.set(b.mint, (sigs = new Set()));
    sigs.add(b.signature);
  }
  const times = Float64Array.from(txs, (t) => (t.blockTime ? Date.parse(t.blockTime) : -Infinity));
  const out = new Map<string, string>();
  for (const [key, lot] of lotTimelinesFor(txs, times, wanted)) {
    let held = lot.qty;
    for (const c of lot.changes) if (c.atMs <= atMs) held = c.remaining;
    out.set(key, units18ToString(held));
  }
  return out;
}

export { lotKey };
