import fc from 'fast-check';
import { detectMoments } from '../../domain/detection/detect';
import { detectIncrementally, foldBlocker } from '../../domain/detection/incremental';
import type { Moment } from '../../domain/detection/moment';
import { emptyState, foldTransactions, type WalletDetectionState } from '../../domain/detection/wallet-state';
import { mergeConfig } from '../../domain/detection/config';
import { D } from '../../domain/money';
import type { NormalizedTx, WalletAction } from '../../domain/parsing/normalized';
import { DAY, H, prices, recv, send, SOL, swap, T0, TOK, TOK2, tx, USDC, USDT, W } from '../helpers/history';

const decimal = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 9 })).map(([w, f, d]) => (d === 0 ? `${w + 1}` : `${w}.${String(f).padStart(9, '0').slice(0, d)}`)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 9 }).map((w) => `${w}00000000000.123456789`) },
).filter((s) => new D(s).gt(0));
const mint = fc.constantFrom(TOK, TOK2, SOL, USDC, USDT);
const action: fc.Arbitrary<WalletAction> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(mint, decimal, mint, decimal).filter(([a, , b]) => a !== b).map(([a, x, b, y]) => swap(a, x, b, y)) },
  { weight: 2, arbitrary: fc.tuple(mint, decimal).map(([m, x]) => recv(m, x)) },
  { weight: 1, arbitrary: fc.tuple(mint, decimal).map(([m, x]) => send(m, x)) },
);
// Gaps from none (same second, next slot) to weeks, so idle spans of 30+ days and open 7-day windows both occur.
const gap = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 40 }).map((h) => h * H) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 45 }).map((d) => d * DAY) });
const history: fc.Arbitrary<NormalizedTx[]> = fc
  .array(fc.record({ gap, // One swap per transaction: a moment is identified by (kind, mint, signature).
  actions: fc.array(action, { minLength: 1, maxLength: 2 }).filter((as) => as.filter((a) => a.kind === 'swap').length <= 1), fee: fc.constantFrom('0', '5000', '105000'), failed: fc.integer({ min: 0, max: 11 }).map((n) => n === 0) }), { minLength: 1, maxLength: 50 })
  .map((rows) => {
    let at = T0;
    return rows.map((r) => {
      at += r.gap;
      return tx(at, r.actions, { feeLamports: r.fee, failed: r.failed });
    });
  });
const walk = (seed: number) => {
  const pts: Array<[number, string]> = [];
  let p = 1 + (seed % 7);
  for (let i = 0; i < 24 * 800; i += 3) {
    p *= 1 + Math.sin(i * (0.013 + seed / 1000)) * 0.06;
    pts.push([T0 + i * H, p.toPrecision(8)]);
  }
  return pts;
};
const market = prices({ [TOK]: walk(1), [TOK2]: walk(3), [SOL]: walk(5) });
const identity = (m: Moment) => `${m.kind}|${m.mint}|${m.signature ?? ''}`;

/** Cuts a history into consecutive batches at the given fractions. */
function batches(txs: NormalizedTx[], cuts: number[]): NormalizedTx[][] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * txs.length)))].filter((i) => i > 0 && i < txs.length).sort((a, b) => a - b);
  const out: NormalizedTx[][] = [];
  let from = 0;
  for (const i of [...at, txs.length]) {
    out.push(txs.slice(from, i));
    from = i;
  }
  return out;
}

describe('incremental detection', () => {
  it('judges each batch against the stored state exactly as a full re-run of the history so far does', () => {
    fc.assert(fc.property(history, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), fc.double({ min: 0, max: 1, noNaN: true }), (txs, cuts, lag) => {
      let state: WalletDetectionState = emptyState();
      const parts = batches(txs, cuts);
      parts.forEach((batch, b) => {
        const lastMs = Date.parse(batch[batch.length - 1]!.blockTime!);
        const nextMs = parts[b + 1] ? Date.parse(parts[b + 1]![0]!.blockTime!) : lastMs + 60 * DAY;
        // Judged some time after the batch's last transaction and before the next one: prices stop at now.
        const nowMs = lastMs + Math.floor((nextMs - lastMs) * lag);
        expect(foldBlocker(state, batch, nowMs)).toBeUndefined();
        const inc = detectIncrementally(state, { wallet: W, transactions: batch, prices: market, nowMs });
        state = inc.state;
        const full = detectMoments({ wallet: W, transactions: txs.slice(0, txs.indexOf(batch[batch.length - 1]!) + 1), prices: market, nowMs }).moments;
        const byId = new Map(full.map((m) => [identity(m), m]));
        // Everything the batch re-judged is what the full run says now…
        for (const m of inc.moments) expect(m).toEqual(byId.get(identity(m)));
        // …and nothing the batch made or could have changed is missing: its own trades' moments and the idle ones.
        const sigs = new Set(batch.map((t) => t.signature));
        const expected = full.filter((m) => m.kind === 'IdleYield' || (m.signature && sigs.has(m.signature)));
        const got = new Set(inc.moments.map(identity));
        for (const m of expected) expect(got.has(identity(m))).toBe(true);
      });
      // The state does not depend on how the history was cut.
      expect(state).toEqual(detectIncrementally(emptyState(), { wallet: W, transactions: txs, prices: market, nowMs: Date.parse(txs[txs.length - 1]!.blockTime!) }).state);
    }), { numRuns: 300 });
  });

  it('refuses to fold a transaction that comes at or before the last one judged', () => {
    const a = tx(T0, [swap(USDC, '100', TOK, '100')]);
    const b = tx(T0 + H, [swap(TOK, '50', USDC, '60')]);
    const { state } = detectIncrementally(emptyState(), { wallet: W, transactions: [b], prices: market, nowMs: T0 + 2 * H });
    expect(foldBlocker(state, [a], T0 + 2 * H)).toMatch(/not after the last/);
    expect(foldBlocker(state, [b], T0 + 2 * H)).toMatch(/not after the last/);
    expect(foldBlocker(state, [tx(T0 + 3 * H, [])], T0 + 2 * H)).toMatch(/after now/);
  });

  it('keeps the state to the open windows: lots whose window ended keep only their quantity', () => {
    const txs: NormalizedTx[] = [];
    for (let i = 0; i < 200; i++) txs.push(tx(T0 + i * DAY, [swap(USDC, '10', TOK, '10')]));
    const { state } = foldTransactions(emptyState(), txs, mergeConfig(undefined));
    const lots = state.lots[TOK]!;
    // 192 lots of closed windows merged into one, then the 8 buys of the last 7 days (and the day the window ends).
    expect(lots.filter((l) => l.buy).length).toBe(8);
    expect(lots.length).toBe(9);
    expect(lots[0]).toEqual({ remaining: (192n * 10n ** 19n).toString() });
  });

  it('keeps one ongoing IdleYield moment with one id, whose figures move once a day', () => {
    const t = tx(T0, [recv(USDC, '20000')]);
    const at = (nowMs: number) => detectIncrementally(emptyState(), { wallet: W, transactions: [t], prices: market, nowMs }).moments.find((m) => m.kind === 'IdleYield')!;
    const a = at(T0 + 40 * DAY + 5 * H);
    const b = at(T0 + 40 * DAY + 9 * H);
    const c = at(T0 + 41 * DAY + 1);
    expect(b).toEqual(a);
    expect(c.id).toBe(a.id);
    expect(a).toMatchObject({ status: 'provisional', at: '2025-02-10T00:00:00Z' });
    expect(c).toMatchObject({ status: 'provisional', at: '2025-02-11T00:00:00Z' });
    const full = detectMoments({ wallet: W, transactions: [t], prices: market, nowMs: T0 + 40 * DAY + 9 * H, kinds: ['IdleYield'] }).moments[0]!;
    expect(full).toEqual(a);
    // The span ends when the balance is touched: the moment becomes final, dated then, and keeps its id.
    const spend = tx(T0 + 50 * DAY + 7 * H, [send(SOL, '0.1'), send(USDC, '1')]);
    const ended = detectMoments({ wallet: W, transactions: [t, spend], prices: market, nowMs: T0 + 51 * DAY, kinds: ['IdleYield'] }).moments.find((m) => m.mint === USDC)!;
    expect(ended).toMatchObject({ id: a.id, status: 'final', at: '2025-02-20T07:00:00Z' });
  });
});
