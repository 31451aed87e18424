import { detectMoments } from '../../domain/detection/detect';
import { momentId } from '../../domain/detection/moment';
import { DAY, H, prices, recv, send, SOL, swap, T0, TOK, TOK2, tx, USDC, USDT, W } from '../helpers/history';

const now = T0 + 30 * DAY;
const run = (transactions: any[], p: Record<string, Array<[number, string]>>, extra: Record<string, unknown> = {}) =>
  detectMoments({ wallet: W, transactions, prices: prices(p), nowMs: now, ...extra });

describe('S2E (sold too early)', () => {
  const sell = (q = '100', usdc = '100') => tx(T0, [swap(TOK, q, USDC, usdc)]);

  it('fires when the peak is exactly +25 % and exactly $25', () => {
    const { moments } = run([sell()], { [TOK]: [[T0 + DAY, '1.25']] }, { kinds: ['S2E'] });
    expect(moments).toHaveLength(1);
    expect(moments[0]).toMatchObject({ kind: 'S2E', mint: TOK, pct: '0.25', missedUsd: '25.00', severity: '0.3333', status: 'final', at: '2025-01-01T00:00:00Z' });
    expect(moments[0]!.explain).toMatchObject({ tradePrice: '1', peakPrice: '1.25', peakAt: '2025-01-02T00:00:00Z', quantity: '100', windowDays: 7 });
  });

  it('does not fire a hair below either threshold', () => {
    expect(run([sell()], { [TOK]: [[T0 + DAY, '1.2499999999']] }).moments.filter((m) => m.kind === 'S2E')).toEqual([]);
    // +30 % but only $24.90: 83 tokens × $0.30.
    expect(run([sell('83', '83')], { [TOK]: [[T0 + DAY, '1.3']] }).moments.filter((m) => m.kind === 'S2E')).toEqual([]);
  });

  it('counts the window as (t, t + 7 d]: t excluded, t + 7 d included', () => {
    const at = (ms: number) => run([sell()], { [TOK]: [[ms, '2']] }, { kinds: ['S2E'] }).moments.length;
    expect(at(T0)).toBe(0);
    expect(at(T0 + 1000)).toBe(1);
    expect(at(T0 + 7 * DAY)).toBe(1);
    expect(at(T0 + 7 * DAY + 1000)).toBe(0);
  });

  it('caps severity at 1 and reports the highest point', () => {
    const { moments } = run([sell()], { [TOK]: [[T0 + H, '1.5'], [T0 + 2 * DAY, '3'], [T0 + 3 * DAY, '2']] }, { kinds: ['S2E'] });
    expect(moments[0]).toMatchObject({ pct: '2', missedUsd: '200.00', severity: '1.0000' });
    expect(moments[0]!.explain.peakAt).toBe('2025-01-03T00:00:00Z');
  });

  it('is provisional while the window is open, with the worst so far', () => {
    const { moments } = detectMoments({ wallet: W, transactions: [sell()], prices: prices({ [TOK]: [[T0 + DAY, '1.5'], [T0 + 4 * DAY, '4']] }), nowMs: T0 + 2 * DAY, kinds: ['S2E'] });
    expect(moments[0]).toMatchObject({ status: 'provisional', pct: '0.5', missedUsd: '50.00' });
  });

  it('never judges a stablecoin, and prices a token↔token sell at the market', () => {
    const t = tx(T0, [swap(USDC, '1000', TOK, '500')]);
    expect(run([t], { [USDC]: [[T0 + DAY, '2']], [TOK]: [[T0, '2']] }, { kinds: ['S2E'] }).moments).toEqual([]);
    const tt = tx(T0, [swap(TOK, '100', TOK2, '50')]);
    const { moments } = run([tt], { [TOK]: [[T0 - H, '1'], [T0 + DAY, '1.5']], [TOK2]: [[T0 - H, '2']] }, { kinds: ['S2E'] });
    expect(moments[0]!.explain).toMatchObject({ tradePrice: '1', priceBasis: 'market-at-trade' });
  });

  it('prices a sell for SOL at the execution price: SOL received × SOL price at t', () => {
    const t = tx(T0, [swap(TOK, '100', SOL, '2')]);
    const { moments } = run([t], { [SOL]: [[T0 - 30 * 60_000, '50']], [TOK]: [[T0 + DAY, '1.5']] }, { kinds: ['S2E'] });
    expect(moments[0]!.explain).toMatchObject({ tradePrice: '1', priceBasis: 'execution-vs-SOL' });
    expect(moments[0]!.missedUsd).toBe('50.00');
  });
});

describe('price at t', () => {
  const t = () => tx(T0, [swap(TOK, '100', SOL, '2')]);
  const sol = (points: Array<[number, string]>) => run([t()], { [SOL]: points, [TOK]: [[T0 + DAY, '9']] }, { kinds: ['S2E'] });

  it('uses the latest point at or before t when at most 2 h old', () => {
    expect(sol([[T0 - 2 * H, '50'], [T0 + 10 * 60_000, '70']]).moments[0]!.explain.tradePrice).toBe('1');
  });
  it('else the earliest point after t within 2 h', () => {
    expect(sol([[T0 - 2 * H - 1000, '10'], [T0 + 2 * H, '75'], [T0 + 3 * H, '99']]).moments[0]!.explain.tradePrice).toBe('1.5');
  });
  it('else unknown: the trade is skipped and the reason recorded', () => {
    const r = sol([[T0 - 2 * H - 1000, '10'], [T0 + 2 * H + 1000, '75']]);
    expect(r.moments).toEqual([]);
    expect(r.skipped).toEqual([{ signature: expect.any(String), mint: TOK, kind: 'S2E', reason: 'no SOL price within 2 h of the trade' }]);
  });
  it('records tokens that have no price at all', () => {
    const r = run([tx(T0, [swap(TOK, '1', TOK2, '1')])], {}, { kinds: ['S2E', 'BHD'] });
    expect(r.skipped.map((s) => [s.kind, s.mint, s.reason])).toEqual([
      ['S2E', TOK, 'no price within 2 h of the trade'],
      ['BHD', TOK2, 'no price within 2 h of the trade'],
    ]);
  });
});

describe('BHD (bag-holder drawdown)', () => {
  it('fires at exactly −30 % and $30, judged on what was held', () => {
    const { moments } = run([tx(T0, [swap(USDC, '100', TOK, '100')])], { [TOK]: [[T0 + DAY, '0.7']] }, { kinds: ['BHD'] });
    expect(moments[0]).toMatchObject({ kind: 'BHD', pct: '0.3', missedUsd: '30.00', severity: '0.3750' });
    expect(moments[0]!.explain).toMatchObject({ troughPrice: '0.7', heldAtTrough: '100' });
  });

  it('follows FIFO: a partial sell before the drop shrinks what was held', () => {
    const buy = tx(T0, [swap(USDC, '100', TOK, '100')]);
    const sellSome = tx(T0 + DAY, [swap(TOK, '60', USDC, '60')]);
    // Drop after the sell: 40 held × $0.5 = $20 < $25.
    expect(run([buy, sellSome], { [TOK]: [[T0 + 2 * DAY, '0.5']] }, { kinds: ['BHD'] }).moments).toEqual([]);
    // Drop before the sell: 100 held × $0.5 = $50.
    const { moments } = run([buy, sellSome], { [TOK]: [[T0 + 12 * H, '0.5'], [T0 + 2 * DAY, '0.4']] }, { kinds: ['BHD'] });
    expect(moments).toHaveLength(1);
    expect(moments[0]).toMatchObject({ missedUsd: '50.00' });
    expect(moments[0]!.explain).toMatchObject({ heldAtTrough: '100', troughPrice: '0.5' });
  });

  it('consumes older lots first: a sell eats the earlier buy, not this one', () => {
    const first = tx(T0 - 10 * DAY, [swap(USDC, '100', TOK, '100')]);
    const buy = tx(T0, [swap(USDC, '100', TOK, '100')]);
    const sell = tx(T0 + DAY, [swap(TOK, '100', USDC, '90')]);
    const { moments } = run([first, buy, sell], { [TOK]: [[T0 - 10 * DAY, '1'], [T0 + 2 * DAY, '0.5']] }, { kinds: ['BHD'] });
    expect(moments.map((m) => [m.signature, m.missedUsd])).toEqual([[buy.signature, '50.00']]);
  });

  it('judges the points where both thresholds hold: a deeper fall on less held still fires', () => {
    // 1,000 held at −20 % ($200, too shallow), then 900 sold, and 100 held at −40 % ($40): the second point qualifies.
    const buy = tx(T0, [swap(USDC, '1000', TOK, '1000')]);
    const sellMost = tx(T0 + 2 * DAY, [swap(TOK, '900', USDC, '810')]);
    const p = { [TOK]: [[T0 + DAY, '0.8'], [T0 + 3 * DAY, '0.6']] as Array<[number, string]> };
    const { moments } = run([buy, sellMost], p, { kinds: ['BHD'] });
    expect(moments).toHaveLength(1);
    expect(moments[0]).toMatchObject({ kind: 'BHD', signature: buy.signature, pct: '0.4', missedUsd: '40.00', severity: '0.5000' });
    expect(moments[0]!.explain).toMatchObject({ troughPrice: '0.6', heldAtTrough: '100', troughAt: '2025-01-04T00:00:00Z' });
  });

  it('among qualifying points reports the largest loss, not the deepest fall', () => {
    // −35 % on 1,000 ($350) beats −60 % on 100 ($60): both qualify, the larger loss is the moment.
    const buy = tx(T0, [swap(USDC, '1000', TOK, '1000')]);
    const sellMost = tx(T0 + 2 * DAY, [swap(TOK, '900', USDC, '650')]);
    const { moments } = run([buy, sellMost], { [TOK]: [[T0 + DAY, '0.65'], [T0 + 3 * DAY, '0.4']] }, { kinds: ['BHD'] });
    expect(moments[0]).toMatchObject({ pct: '0.35', missedUsd: '350.00' });
    expect(moments[0]!.explain).toMatchObject({ troughPrice: '0.65', heldAtTrough: '1000' });
  });

  it('a sale of the whole lot ends the exposure, and transfers out count as disposal', () => {
    const buy = tx(T0, [swap(USDC, '100', TOK, '100')]);
    const gone = tx(T0 + H, [send(TOK, '100')]);
    expect(run([buy, gone], { [TOK]: [[T0 + DAY, '0.1']] }, { kinds: ['BHD'] }).moments).toEqual([]);
  });
});

describe('BadRoute', () => {
  it('measures against the market at the trade when no quote was taken', () => {
    const t = tx(T0, [swap(USDC, '1000', TOK, '95')]);
    const { moments } = run([t], { [TOK]: [[T0, '10']] }, { kinds: ['BadRoute'] });
    expect(moments[0]).toMatchObject({ kind: 'BadRoute', mint: USDC, pct: '0.05', missedUsd: '50.00', severity: '0.5000', status: 'final' });
    expect(moments[0]!.explain).toMatchObject({ reference: 'market', valueInUsd: '1000.00', valueOutUsd: '950.00' });
  });
  it('prefers the quote taken at ingestion', () => {
    const t = tx(T0, [swap(USDC, '1000', TOK, '99')]);
    const quotes = new Map([[t.signature, { outAmount: '101', quotedAt: '2025-01-01T00:00:01Z', provider: 'jupiter' }]]);
    const { moments } = run([t], { [TOK]: [[T0, '10']] }, { kinds: ['BadRoute'], quotes });
    expect(moments[0]!.explain).toMatchObject({ reference: 'quote', quotedOut: '101' });
    expect(moments[0]!.missedUsd).toBe('20.00');
  });
  it('needs both 1 % and $10', () => {
    expect(run([tx(T0, [swap(USDC, '1000', TOK, '99.1')])], { [TOK]: [[T0, '10']] }, { kinds: ['BadRoute'] }).moments).toEqual([]); // 0.9 %
    expect(run([tx(T0, [swap(USDC, '500', TOK, '49')])], { [TOK]: [[T0, '10']] }, { kinds: ['BadRoute'] }).moments).toHaveLength(1); // 2 %, $10 exactly
    expect(run([tx(T0, [swap(USDC, '300', TOK, '29.1')])], { [TOK]: [[T0, '10']] }, { kinds: ['BadRoute'] }).moments).toEqual([]); // 3 %, $9
  });
});

describe('IdleYield', () => {
  it('fires on a USDC balance idle for ≥ 30 days, missed = balance × 8 % × days / 365', () => {
    const t = tx(T0 - 365 * DAY, [recv(USDC, '10000')]);
    const t2 = tx(T0 - 365 * DAY + 100 * DAY, [send(USDC, '1')]);
    const { moments } = detectMoments({ wallet: W, transactions: [t, t2], prices: prices({}), nowMs: T0, kinds: ['IdleYield'] });
    expect(moments).toHaveLength(1);
    // Longest-missing span: from the send (9,999 USDC) to now, 265 days: 9999 × 0.08 × 265 / 365 = 580.76…
    expect(moments[0]).toMatchObject({ kind: 'IdleYield', mint: USDC, signature: null, missedUsd: '580.76', status: 'provisional', at: '2025-01-01T00:00:00Z' });
    expect(moments[0]!.explain).toMatchObject({ balance: '9999', apy: '0.08', days: '265' });
    expect(moments[0]!.severity).toBe('0.2904');
  });

  it('never fires on a balance that history makes negative, or below $100, or under 30 days', () => {
    const neg = tx(T0 - 100 * DAY, [send(USDT, '5000')]);
    expect(detectMoments({ wallet: W, transactions: [neg], prices: prices({}), nowMs: T0, kinds: ['IdleYield'] }).moments).toEqual([]);
    const small = tx(T0 - 365 * DAY, [recv(USDC, '99.99')]);
    expect(detectMoments({ wallet: W, transactions: [small], prices: prices({}), nowMs: T0, kinds: ['IdleYield'] }).moments).toEqual([]);
    const recent = tx(T0 - 29 * DAY, [recv(USDC, '100000')]);
    expect(detectMoments({ wallet: W, transactions: [recent], prices: prices({}), nowMs: T0, kinds: ['IdleYield'] }).moments).toEqual([]);
  });

  it('values idle SOL at its average price over the span, at 7 %', () => {
    const t = tx(T0 - 40 * DAY, [recv(SOL, '100')]);
    const { moments } = detectMoments({ wallet: W, transactions: [t], prices: prices({ [SOL]: [[T0 - 30 * DAY, '100'], [T0 - 10 * DAY, '300']] }), nowMs: T0, kinds: ['IdleYield'] });
    // 100 SOL × $200 avg × 7 % × 40 / 365 = 153.42
    expect(moments[0]).toMatchObject({ mint: SOL, missedUsd: '153.42' });
    expect(moments[0]!.explain).toMatchObject({ avgPrice: '200', apy: '0.07' });
  });
});

describe('identity and order', () => {
  it('gives the same moment the same id every run, and sorts by at then kind', () => {
    const a = tx(T0, [swap(TOK, '100', USDC, '100')]);
    const b = tx(T0 + DAY, [swap(USDC, '1000', TOK, '950')]);
    const p = { [TOK]: [[T0 + DAY, '1']] as Array<[number, string]>, };
    const one = run([a, b], { ...p, [TOK]: [[T0 + 12 * H, '2'], [T0 + DAY, '1']] });
    const two = run([b, a], { ...p, [TOK]: [[T0 + 12 * H, '2'], [T0 + DAY, '1']] });
    expect(one.moments).toEqual(two.moments);
    expect(one.moments.map((m) => m.kind)).toEqual(['S2E', 'BadRoute']);
    expect(one.moments[0]!.id).toBe(momentId(T0, W, 'S2E', TOK, a.signature));
    expect(one.moments[0]!.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
