import type { NormalizedTx } from '../parsing/normalized';

/**
 * Strings in Unicode code-point order. JavaScript's `<` compares UTF-16 units, which differs from code points only
 * where a surrogate pair meets a unit in U+E000–U+FFFF; those units are remapped so the order is the code points'.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The report's order of transactions (rule 2): block time, then signature, then wallet, strings in code points; no
 * time sorts first; after `nowMs`, left out. `timeOf` parses a block time (each engine brings its parser); a loader
 * that knows the time in ms already (the API's `atMs`) spares it. Indexes into `txs`, and every transaction's time.
 */
export function reportOrder(txs: ReadonlyArray<NormalizedTx & { atMs?: number }>, nowMs: number, timeOf: (iso: string) => number): { keep: number[]; times: Float64Array } {
  const keep: number[] = [];
  const times = new Float64Array(txs.length);
  for (let i = 0; i < txs.length; i++) {
    const t = txs[i]!;
    times[i] = t.atMs ?? (t.blockTime ? timeOf(t.blockTime) : -Infinity);
    if (!(times[i]! > nowMs)) keep.push(i);
  }
  const cmp = (x: number, y: number) => {
    if (times[x] !== times[y]) return times[x]! < times[y]! ? -1 : 1;
    const a = txs[x]!;
    const b = txs[y]!;
    return compareCodePoints(a.signature, b.signature) || compareCodePoints(a.wallet, b.wallet);
  };
  // Stored histories arrive in order: check before sorting.
  let sorted = true;
  for (let i = 1; i < keep.length && sorted; i++) if (cmp(keep[i - 1]!, keep[i]!) > 0) sorted = false;
  if (!sorted) keep.sort(cmp);
  return { keep, times };
}
