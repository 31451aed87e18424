import { PriceSeries } from '../../domain/detection/price-series';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import { computeReport } from '../../domain/report/compute';
import { withoutMints } from '../../domain/report/exclude';
import { parseDenyList, unsolicitedMints } from '../../domain/tokens/spam';
import { reportScope } from '../../adapters/reports/report-service';
import { spamVerdict, type TokenRow } from '../../adapters/stores/token-store';

const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const SOL = 'So11111111111111111111111111111111111111112';
const W1 = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';
const W2 = 'Bib5ystn3VVyEjtij7GMs419fTwWwz2HSwA3tkeo2E9H';
const OUT = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';
const TOK = 'TokA1111111111111111111111111111111111111111';
const AIR = 'Air11111111111111111111111111111111111111111';
const SOLD = 'Sold1111111111111111111111111111111111111111';
const T0 = Date.parse('2024-01-01T00:00:00Z');
const H = 3_600_000;

const tx = (wallet: string, h: number, sig: string, actions: NormalizedTx['actions'], fee = '0'): NormalizedTx =>
  ({ signature: sig, slot: h, blockTime: new Date(T0 + h * H).toISOString(), wallet, failed: false, feeLamports: fee, feePayer: wallet, actions });

const history: NormalizedTx[] = [
  tx(W1, 1, 'buy', [{ kind: 'swap', sent: { mint: USDC, amount: '100' }, received: { mint: TOK, amount: '10' } }]),
  tx(W1, 2, 'move', [{ kind: 'transfer_out', sent: { mint: TOK, amount: '4' }, received: null, counterparty: W2 }]),
  tx(W2, 2, 'move', [{ kind: 'transfer_in', sent: null, received: { mint: TOK, amount: '4' }, counterparty: W1 }]),
  // An airdrop, and a second one the wallet dumped for SOL.
  tx(W1, 3, 'drop', [{ kind: 'transfer_in', sent: null, received: { mint: AIR, amount: '1000000' }, counterparty: OUT }, { kind: 'transfer_in', sent: null, received: { mint: SOLD, amount: '5' }, counterparty: OUT }], '5000'),
  tx(W1, 4, 'dump', [{ kind: 'swap', sent: { mint: SOLD, amount: '5' }, received: { mint: SOL, amount: '0.5' } }]),
  tx(W1, 5, 'airsell', [{ kind: 'swap', sent: { mint: AIR, amount: '10' }, received: null }]),
];

describe('spam in the report', () => {
  it('finds what arrived unsolicited over one owner\'s wallets', () => {
    // Dumping an airdrop does not make it bought.
    expect(unsolicitedMints(history)).toEqual(new Set([AIR, SOLD]));
    // W2 alone received TOK and never bought it; with W1, the owner bought it.
    expect(unsolicitedMints(history.filter((t) => t.wallet === W2))).toEqual(new Set([TOK]));
    // SOL and the majors arriving by transfer are deposits.
    expect(unsolicitedMints([tx(W1, 1, 'dep', [{ kind: 'transfer_in', sent: null, received: { mint: SOL, amount: '1' }, counterparty: OUT }])]).size).toBe(0);
  });

  it('leaves the spam legs out, keeps the transactions, their fees and every other leg', () => {
    const out = withoutMints(history, new Set([AIR]));
    expect(out).toHaveLength(history.length);
    expect(out[3]!.actions).toEqual([history[3]!.actions[1]]);
    expect(out[3]!.feeLamports).toBe('5000');
    // A swap whose only leg was spam is gone; the others are the same objects.
    expect(out[5]!.actions).toEqual([]);
    expect(out[0]).toBe(history[0]);
    expect(history[3]!.actions).toHaveLength(2);
    // A swap of a spam token for SOL keeps the SOL.
    expect(withoutMints(history, new Set([SOLD]))[4]!.actions).toEqual([{ kind: 'swap', sent: null, received: { mint: SOL, amount: '0.5' } }]);
  });

  it('reports no position, no volume and no unpriced line for the left-out token', () => {
    const prices = new Map([[SOL, new PriceSeries([[T0, '100']])], [TOK, new PriceSeries([[T0 + 4 * H, '12']])]]);
    const input = (txs: NormalizedTx[]) => ({ wallets: [W1, W2], transactions: txs, prices, nowMs: T0 + 6 * H });
    const all = computeReport(input(history)).report;
    const clean = computeReport(input(withoutMints(history, new Set([AIR])))).report;
    expect(all.positions.map((p) => p.mint)).toContain(AIR);
    expect(all.unpriced.map((u) => u.mint)).toContain(AIR);
    expect(clean.positions.map((p) => p.mint).sort()).toEqual([SOL, SOLD, TOK].sort());
    expect(clean.unpriced.filter((u) => u.mint === AIR)).toEqual([]);
    // Nothing else moves: TOK's lots, the fee, the SOL from the other airdrop.
    expect(clean.positions.find((p) => p.mint === TOK)).toEqual(all.positions.find((p) => p.mint === TOK));
    expect(clean.totals.feesUsd).toBe(all.totals.feesUsd);
    expect(clean.totals.volumeUsd).toBe(all.totals.volumeUsd);
  });

  it('never judges SOL or a major spam, though a deny pattern aimed at look-alikes matches its symbol', () => {
    const row = (mint: string, symbol: string): TokenRow => ({ mint, symbol, verified: false, tags: [], source: 'test', firstSeen: '', fetchedAt: '' });
    const deny = parseDenyList(['/usdc/']);
    expect(spamVerdict(USDC, row(USDC, 'USDC'), false, deny)).toBe(false);
    expect(spamVerdict(SOL, row(SOL, 'SOL'), true, deny)).toBe(false);
    expect(spamVerdict(AIR, row(AIR, 'USDC'), false, deny)).toBe(true);
  });

  it('caches a report with spam included apart for each deny list', () => {
    const q = { wallets: [W1] };
    expect(reportScope({ ...q, includeSpam: true, denyList: [AIR] })).not.toBe(reportScope({ ...q, includeSpam: true }));
    expect(reportScope({ ...q, includeSpam: true })).not.toBe(reportScope(q));
    expect(reportScope({ ...q, denyList: [AIR] })).not.toBe(reportScope(q));
  });
});
