import { computeReport } from '../../domain/report/compute';
import { reportInputSchema, toReportInput } from '../../domain/report/input';
import { compareCodePoints } from '../../domain/report/order';

// Every expected figure below is worked out by hand from rules 1–10 of issue #14 (comments show the arithmetic).
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const USDT = 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB';
const SOL = 'So11111111111111111111111111111111111111112';
const W1 = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';
const W2 = 'Bib5ystn3VVyEjtij7GMs419fTwWwz2HSwA3tkeo2E9H';
const OUT = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';
const A = 'AAAAmintAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBmintBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const C = 'CCCCmintCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';
const T = (day: number, hour = 0) => new Date(Date.UTC(2024, 0, day, hour)).toISOString();
const NOW = T(31);

type Leg = { mint: string; amount: string } | null;
const swap = (sent: Leg, received: Leg) => ({ kind: 'swap', sent, received });
const leg = (mint: string, amount: string) => ({ mint, amount });
const tx = (signature: string, blockTime: string | null, actions: unknown[], extra: Record<string, unknown> = {}) => ({ signature, blockTime, feeLamports: '0', actions, ...extra });

function report(input: Record<string, unknown>) {
  return computeReport(toReportInput(reportInputSchema.parse({ now: NOW, ...input }), 0)).report;
}
const pos = (mint: string, p: Partial<Record<string, string | null>>) => ({ mint, held: '0', costBasisUsd: '0', priceUsd: null, valueUsd: null, realizedPnlUsd: '0', unrealizedPnlUsd: null, unknownCostQty: '0', ...p });

describe('oof report: hand-computed scenarios', () => {
  it('FIFO over several lots: oldest lots first, costs in proportion, a win and a loss', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('s1', T(1), [swap(leg(USDC, '100'), leg(A, '10'))]), // lot 1: 10 A at $100
        tx('s2', T(2), [swap(leg(USDC, '300'), leg(A, '10'))]), // lot 2: 10 A at $300
        // 15 A for $450: 10 of lot 1 (cost 100) + 5 of lot 2 (cost 300·5/10 = 150) → 450 − 250 = +200
        tx('s3', T(3), [swap(leg(A, '15'), leg(USDC, '450'))]),
        // 5 A for $50: the rest of lot 2 (cost 150) → −100
        tx('s4', T(4), [swap(leg(A, '5'), leg(USDT, '50'))]),
        tx('s5', T(5), [swap(leg(USDC, '40'), leg(A, '4'))]), // lot 3: 4 A at $40
      ],
      prices: { [A]: [[T(10), '20'], [T(40), '99']] }, // the point after now is not the price at now
    });
    expect(r).toEqual({
      now: '2024-01-31T00:00:00Z',
      wallets: [W1],
      // 4 A at 20 = 80, cost 40 → +40 unrealized
      positions: [pos(A, { held: '4', costBasisUsd: '40', priceUsd: '20', valueUsd: '80', realizedPnlUsd: '100', unrealizedPnlUsd: '40' })],
      totals: { realizedPnlUsd: '100', unrealizedPnlUsd: '40', feesUsd: '0', netPnlUsd: '140', volumeUsd: '940', sells: 2, winningSells: 1, winRate: '0.5000' },
      unpriced: [],
    });
  });

  it('SOL is a position: bought with USDC, spent on a token at the SOL price, paying fees before its actions', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        // The fee (0.000005 SOL) comes first, when no SOL is held: dropped; $100 × 0.000005 = $0.0005 of fees.
        tx('f1', T(1, 12), [swap(leg(USDC, '100'), leg(SOL, '1'))], { feeLamports: '5000' }), // SOL lot: 1 at $100
        // Fee first: 0.000005 SOL leaves the lot at cost 100·0.000005 = 0.0005 ($0.00075 of fees at $150).
        // V = 0.5 SOL × $150 = $75; cost 100·0.5/1 = 50 → +25; B lot: 1000 at $75.
        tx('f2', T(2, 12), [swap(leg(SOL, '0.5'), leg(B, '1000'))], { feeLamports: '5000' }),
      ],
      prices: { [SOL]: [[T(1, 11), '100'], [T(2, 11), '150'], [T(30), '200']], [B]: [[T(30), '0.1']] },
    });
    expect(r.positions).toEqual([
      // B: 1000 × 0.1 = 100 − 75 = +25
      pos(B, { held: '1000', costBasisUsd: '75', priceUsd: '0.1', valueUsd: '100', unrealizedPnlUsd: '25' }),
      // SOL: 1 − 0.000005 − 0.5 = 0.499995 held at cost 100 − 0.0005 − 50 = 49.9995; × 200 = 99.999 → +49.9995
      pos(SOL, { held: '0.499995', costBasisUsd: '49.9995', priceUsd: '200', valueUsd: '99.999', realizedPnlUsd: '25', unrealizedPnlUsd: '49.9995' }),
    ]);
    // net = 25 + 74.9995 − 0.00125; volume = 100 + 75
    expect(r.totals).toEqual({ realizedPnlUsd: '25', unrealizedPnlUsd: '74.9995', feesUsd: '0.00125', netPnlUsd: '99.99825', volumeUsd: '175', sells: 1, winningSells: 1, winRate: '1.0000' });
    expect(r.unpriced).toEqual([]);
  });

  it('SOL is a position when only fees touch it; a fee without a SOL price is listed as unpriced', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('fee1', T(1), [], { feeLamports: '10000' }), // SOL price 1 h old: $50 × 0.00001 = $0.0005
        tx('fee2', T(5), [], { feeLamports: '5000' }), // nearest point 4 days away: unknown
      ],
      prices: { [SOL]: [[T(0, 23), '50']] },
    });
    expect(r.positions).toEqual([pos(SOL, { priceUsd: '50', valueUsd: '0', unrealizedPnlUsd: '0' })]);
    expect(r.totals).toMatchObject({ feesUsd: '0.0005', netPnlUsd: '-0.0005', sells: 0, winningSells: 0, winRate: null });
    expect(r.unpriced).toEqual([{ signature: 'fee2', mint: SOL, reason: 'fee' }]);
  });

  it('token to token: the sent leg at its price, else the received leg at its price (price-at-t of design §6)', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('in', T(1), [{ kind: 'transfer_in', sent: null, received: leg(A, '10'), counterparty: OUT }]), // A at $2: lot 10 at $20
        // A has no point within 2 h of T(2); B's point 1 h after: V = 50 × 0.5 = 25 → A: 25 − 20 = +5; B lot 50 at $25.
        tx('ab', T(2), [swap(leg(A, '10'), leg(B, '50'))]),
        // B's point exactly 2 h before counts: V = 50 × 1 = 50 → B: 50 − 25 = +25; C lot 5 at $50.
        tx('bc', T(3, 2), [swap(leg(B, '50'), leg(C, '5'))]),
      ],
      prices: { [A]: [[T(1), '2']], [B]: [[T(2, 1), '0.5'], [T(3), '1']] },
    });
    expect(r.positions).toEqual([
      pos(A, { priceUsd: '2', valueUsd: '0', realizedPnlUsd: '5', unrealizedPnlUsd: '0' }),
      pos(B, { priceUsd: '1', valueUsd: '0', realizedPnlUsd: '25', unrealizedPnlUsd: '0' }),
      pos(C, { held: '5', costBasisUsd: '50' }), // no price at all: value and unrealized unknown
    ]);
    expect(r.totals).toEqual({ realizedPnlUsd: '30', unrealizedPnlUsd: '0', feesUsd: '0', netPnlUsd: '30', volumeUsd: '75', sells: 2, winningSells: 2, winRate: '1.0000' });
  });

  it('unpriced swaps dispose without realizing, acquire lots of unknown cost, and are listed once with the received mint', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('inA', T(1), [{ kind: 'transfer_in', sent: null, received: leg(A, '10'), counterparty: OUT }]), // no price: unknown cost, not listed
        tx('buyA', T(2), [swap(leg(USDC, '30'), leg(A, '10'))]), // lot of known cost: 10 A at $30
        // No price for A or B at T(3): A leaves (10 of unknown cost first), nothing realized; B lot 100 of unknown cost.
        tx('ab', T(3), [swap(leg(A, '10'), leg(B, '100'))]),
        // 60 B of unknown cost sold: no known part, so not a sell; volume still counts the $12.
        tx('sellB', T(4), [swap(leg(B, '60'), leg(USDC, '12'))]),
      ],
      prices: { [A]: [[T(20), '4']], [B]: [[T(20), '0.5']] },
    });
    expect(r.positions).toEqual([
      // 10 A left, all from the $30 lot: 40 − 30 = +10
      pos(A, { held: '10', costBasisUsd: '30', priceUsd: '4', valueUsd: '40', unrealizedPnlUsd: '10' }),
      // 40 B of unknown cost: (40 − 40) × 0.5 − 0 = 0
      pos(B, { held: '40', costBasisUsd: '0', unknownCostQty: '40', priceUsd: '0.5', valueUsd: '20', unrealizedPnlUsd: '0' }),
    ]);
    expect(r.totals).toEqual({ realizedPnlUsd: '0', unrealizedPnlUsd: '10', feesUsd: '0', netPnlUsd: '10', volumeUsd: '42', sells: 0, winningSells: 0, winRate: null });
    expect(r.unpriced).toEqual([{ signature: 'ab', mint: B, reason: 'swap' }]);
  });

  it('own-wallet transfers change nothing (cost and order travel); outside transfers in and out do', () => {
    const r = report({
      wallets: [W1, W2],
      transactions: [
        { ...tx('b1', T(1), [swap(leg(USDC, '100'), leg(A, '10'))]), wallet: W1 }, // lot 1: 10 at $100 (W1)
        { ...tx('b2', T(2), [swap(leg(USDC, '200'), leg(A, '10'))]), wallet: W2 }, // lot 2: 10 at $200 (W2)
        { ...tx('mv', T(3), [{ kind: 'transfer_out', sent: leg(A, '10'), received: null, counterparty: W2 }]), wallet: W1 },
        { ...tx('mv', T(3), [{ kind: 'transfer_in', sent: null, received: leg(A, '10'), counterparty: W1 }]), wallet: W2 },
        // 15 for $300: lot 1 (100) + 5 of lot 2 (100) → +100
        { ...tx('s', T(4), [swap(leg(A, '15'), leg(USDC, '300'))]), wallet: W2 },
        // 3 to an outsider: 3 of lot 2 leave at cost 60, nothing realized
        { ...tx('o', T(5), [{ kind: 'transfer_out', sent: leg(A, '3'), received: null, counterparty: OUT }]), wallet: W2 },
        // 4 from an outsider at $25: a lot at $100
        { ...tx('i', T(6), [{ kind: 'transfer_in', sent: null, received: leg(A, '4'), counterparty: OUT }]), wallet: W1 },
      ],
      prices: { [A]: [[T(6), '25'], [T(7), '30']] },
    });
    // held 2 (cost 40) + 4 (cost 100) = 6 at cost 140; 6 × 30 = 180 → +40
    expect(r.positions).toEqual([pos(A, { held: '6', costBasisUsd: '140', priceUsd: '30', valueUsd: '180', realizedPnlUsd: '100', unrealizedPnlUsd: '40' })]);
    expect(r.totals).toEqual({ realizedPnlUsd: '100', unrealizedPnlUsd: '40', feesUsd: '0', netPnlUsd: '140', volumeUsd: '600', sells: 1, winningSells: 1, winRate: '1.0000' });
    expect(r.wallets).toEqual([W1, W2]);
  });

  it('oversells: parts beyond the lots realize nothing and held never goes below zero', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('b', T(1), [swap(leg(USDC, '50'), leg(A, '5'))]),
        // 8 for $160 with 5 held: 160·5/8 − 50 = +50; the 3 beyond are dropped
        tx('s1', T(2), [swap(leg(A, '8'), leg(USDC, '160'))]),
        tx('s2', T(3), [swap(leg(A, '2'), leg(USDC, '10'))]), // nothing held: not a sell, volume counts
        tx('o', T(4), [{ kind: 'transfer_out', sent: leg(A, '1'), received: null, counterparty: OUT }]),
        tx('b2', T(5), [swap(leg(USDC, '9'), leg(A, '3'))]), // after the oversells: 3 held at $9
      ],
      prices: { [A]: [[T(6), '2']] },
    });
    expect(r.positions).toEqual([pos(A, { held: '3', costBasisUsd: '9', priceUsd: '2', valueUsd: '6', realizedPnlUsd: '50', unrealizedPnlUsd: '-3' })]);
    expect(r.totals).toEqual({ realizedPnlUsd: '50', unrealizedPnlUsd: '-3', feesUsd: '0', netPnlUsd: '47', volumeUsd: '229', sells: 1, winningSells: 1, winRate: '1.0000' });
  });

  it('failed transactions: their actions never happened, their fee counts', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('ok', T(1), [swap(leg(USDC, '10'), leg(A, '1'))]),
        tx('failed', T(2), [swap(leg(A, '1'), leg(USDC, '1000'))], { failed: true, feeLamports: '20000' }), // $100 × 0.00002
      ],
      prices: { [A]: [[T(3), '12']], [SOL]: [[T(2), '100']] },
    });
    expect(r.positions).toEqual([
      pos(A, { held: '1', costBasisUsd: '10', priceUsd: '12', valueUsd: '12', unrealizedPnlUsd: '2' }),
      pos(SOL, { priceUsd: '100', valueUsd: '0', unrealizedPnlUsd: '0' }),
    ]);
    expect(r.totals).toEqual({ realizedPnlUsd: '0', unrealizedPnlUsd: '2', feesUsd: '0.002', netPnlUsd: '1.998', volumeUsd: '10', sells: 0, winningSells: 0, winRate: null });
  });

  it('ties: same block time ordered by signature, then wallet, in code-point order, whatever the input order', () => {
    const input = {
      wallets: [W1, W2],
      transactions: [
        { ...tx('sig-b', T(1), [swap(leg(USDC, '10'), leg(A, '1'))]), wallet: W1 },
        // same signature in both wallets: W2 ("B…") sorts before W1 ("F…")
        { ...tx('sig-a', T(1), [swap(leg(USDC, '7'), leg(A, '1'))]), wallet: W1 },
        { ...tx('sig-a', T(1), [swap(leg(USDC, '5'), leg(A, '1'))]), wallet: W2 },
        // Sells 2: the lots of sig-a/W2 ($5) and sig-a/W1 ($7): 30 − 12 = +18 (input order would give 30 − 17 = +13)
        { ...tx('sell', T(2), [swap(leg(A, '2'), leg(USDC, '30'))]), wallet: W1 },
      ],
      prices: {},
    };
    const r = report(input);
    expect(r.positions).toEqual([pos(A, { held: '1', costBasisUsd: '10', realizedPnlUsd: '18' })]);
    const reversed = report({ ...input, transactions: [...input.transactions].reverse() });
    expect(reversed).toEqual(r);
  });

  it('actions of one transaction in index order: a buy then a sell of the same mint in one transaction', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('b', T(1), [swap(leg(USDC, '2'), leg(A, '1'))]),
        // index 0 buys at $8, index 1 sells 1: the older lot ($2) goes → 3 − 2 = +1
        tx('x', T(2), [swap(leg(USDC, '8'), leg(A, '1')), swap(leg(A, '1'), leg(USDC, '3'))]),
      ],
    });
    expect(r.positions).toEqual([pos(A, { held: '1', costBasisUsd: '8', realizedPnlUsd: '1' })]);
    expect(r.totals).toMatchObject({ sells: 1, winningSells: 1, volumeUsd: '13' });
  });

  it('win rate to 4 decimals; a break-even sell is not a winning one', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('b', T(1), [swap(leg(USDC, '30'), leg(A, '3'))]),
        tx('s1', T(2), [swap(leg(A, '1'), leg(USDC, '11'))]), // +1
        tx('s2', T(3), [swap(leg(A, '1'), leg(USDC, '12'))]), // +2
        tx('s3', T(4), [swap(leg(A, '1'), leg(USDC, '10'))]), // 0
      ],
    });
    expect(r.totals).toMatchObject({ realizedPnlUsd: '3', sells: 3, winningSells: 2, winRate: '0.6667' });
  });

  it('stablecoins are never positions; transactions after now are not yet history', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('in', T(1), [{ kind: 'transfer_in', sent: null, received: leg(USDC, '500'), counterparty: OUT }]),
        tx('swap', T(2), [swap(leg(USDC, '100'), leg(USDT, '99.9'))]),
        tx('later', T(40), [swap(leg(USDC, '10'), leg(A, '1'))]),
      ],
    });
    expect(r.positions).toEqual([]);
    expect(r.totals).toMatchObject({ volumeUsd: '100', sells: 0 });
  });

  it('USD to 18 decimals, quantities exact', () => {
    const r = report({
      wallets: [W1],
      transactions: [
        tx('b', T(1), [swap(leg(USDC, '10'), leg(A, '3'))]),
        tx('s', T(2), [swap(leg(A, '1'), leg(USDC, '4'))]), // cost 10/3: 4 − 3.333… = 0.666…
      ],
    });
    expect(r.positions[0]).toMatchObject({ held: '2', costBasisUsd: '6.666666666666666667', realizedPnlUsd: '0.666666666666666667' });
  });
});

describe('report input and ordering helpers', () => {
  it('orders strings by code point, not by UTF-16 unit', () => {
    expect('\uFFFF' < '\u{10000}').toBe(false); // what JavaScript says
    expect(compareCodePoints('\uFFFF', '\u{10000}')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abd')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('b', 'a')).toBeGreaterThan(0);
  });

  it.each([
    ['a wallet not among wallets', { wallets: [W1], transactions: [{ ...tx('x', T(1), []), wallet: W2 }] }, /not one of wallets/],
    ['no wallet with two wallets', { wallets: [W1, W2], transactions: [tx('x', T(1), [])] }, /wallet: required/],
    ['a transaction twice', { wallets: [W1], transactions: [tx('x', T(1), []), tx('x', T(1), [])] }, /given twice/],
    ['a bad now', { wallets: [W1], transactions: [], now: 'soon' }, /now: "soon"/],
  ])('refuses %s', (_why, input, msg) => {
    expect(() => toReportInput(reportInputSchema.parse(input), 0)).toThrow(msg);
  });

  it('refuses amounts with more than 18 decimals or in exponent form', () => {
    const bad = { wallets: [W1], transactions: [tx('x', T(1), [swap(leg(A, '1e3'), null)])] };
    expect(reportInputSchema.safeParse(bad).success).toBe(false);
    const long = { wallets: [W1], transactions: [tx('x', T(1), [swap(leg(A, '0.1234567890123456789'), null)])] };
    expect(reportInputSchema.safeParse(long).success).toBe(false);
  });
});
