import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runOof } from '../helpers/cli';

const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const SOL = 'So11111111111111111111111111111111111111112';
const W = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';
const A = 'AAAAmintAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';


describe('oof report (the real CLI process)', () => {
  const input = {
    wallets: [W],
    transactions: [
      // unix-seconds prices and ISO times mixed, as the contract allows
      { signature: 'buy', blockTime: '2024-03-01T00:00:00Z', wallet: W, feeLamports: '5000', actions: [{ kind: 'swap', sent: { mint: USDC, amount: '100' }, received: { mint: A, amount: '50' } }] },
      { signature: 'sell', blockTime: '2024-03-02T00:00:00Z', wallet: W, feeLamports: '5000', actions: [{ kind: 'swap', sent: { mint: A, amount: '20' }, received: { mint: USDC, amount: '60' } }] },
    ],
    prices: { [SOL]: [[Date.parse('2024-03-01T00:00:00Z') / 1000, '120']], [A]: [['2024-03-10T00:00:00Z', '2.5']] },
    now: '2024-04-01T00:00:00Z',
  };

  it('prints the report of a file and of standard input, the same', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'oof-report-'));
    const file = path.join(dir, 'in.json');
    await writeFile(file, JSON.stringify(input));
    const [a, b] = await Promise.all([runOof(['report', file], ''), runOof(['report', '-'], JSON.stringify(input))]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const r = JSON.parse(a.stdout);
    expect(Object.keys(r)).toEqual(['now', 'wallets', 'positions', 'totals', 'unpriced']);
    // 20 of 50 A (cost 40) for 60: +20; 30 left at cost 60, worth 75: +15; fee $0.0006 once, the second fee unpriced
    expect(r.positions).toEqual([
      { mint: A, held: '30', costBasisUsd: '60', priceUsd: '2.5', valueUsd: '75', realizedPnlUsd: '20', unrealizedPnlUsd: '15', unknownCostQty: '0' },
      { mint: SOL, held: '0', costBasisUsd: '0', priceUsd: '120', valueUsd: '0', realizedPnlUsd: '0', unrealizedPnlUsd: '0', unknownCostQty: '0' },
    ]);
    expect(r.totals).toEqual({ realizedPnlUsd: '20', unrealizedPnlUsd: '15', feesUsd: '0.0006', netPnlUsd: '34.9994', volumeUsd: '160', sells: 1, winningSells: 1, winRate: '1.0000' });
    expect(r.unpriced).toEqual([{ signature: 'sell', mint: SOL, reason: 'fee' }]);
    expect(r.now).toBe('2024-04-01T00:00:00Z');
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['no wallets', JSON.stringify({ transactions: [] }), /wallets/],
    ['a bad amount', JSON.stringify({ ...input, transactions: [{ ...input.transactions[0], actions: [{ kind: 'swap', sent: { mint: A, amount: '-1' }, received: null }] }] }), /decimal string/],
    ['a foreign wallet', JSON.stringify({ ...input, transactions: [{ ...input.transactions[0], wallet: 'Bib5ystn3VVyEjtij7GMs419fTwWwz2HSwA3tkeo2E9H' }] }), /not one of wallets/],
    ['a bad price', JSON.stringify({ ...input, prices: { [A]: [['2024-03-10T00:00:00Z', 'cheap']] } }), /not a non-negative decimal/],
  ])('fails clearly on %s', async (_why, stdin, msg) => {
    const r = await runOof(['report'], stdin);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
