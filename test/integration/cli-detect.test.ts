import path from 'node:path';
import { klinePointsFromFile } from '../../lib/replay/price-csv';
import { FIXTURES } from '../helpers/fixtures';
import { runOof } from '../helpers/cli';

const WIF = 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const W = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';


describe('oof detect (the real CLI process)', () => {
  const points = klinePointsFromFile(path.join(FIXTURES, 'prices/WIFUSDT_1h_2024-03-05_2024-09-07.csv'))
    .filter(([ms]) => ms >= Date.parse('2024-03-20T00:00:00Z') && ms <= Date.parse('2024-04-20T00:00:00Z'))
    .map(([ms, v]) => [ms / 1000, v]);
  const input = {
    wallet: W,
    transactions: [
      { signature: 'sellWIF', slot: 1, blockTime: '2024-03-26T00:00:00Z', failed: false, feeLamports: '5000', actions: [{ kind: 'swap', sent: { mint: WIF, amount: '1000' }, received: { mint: USDC, amount: '2684' }, source: 'JUPITER' }] },
      { signature: 'buyWIF', slot: 2, blockTime: '2024-04-08T21:00:00Z', failed: false, feeLamports: '5000', actions: [{ kind: 'swap', sent: { mint: USDC, amount: '4231.5' }, received: { mint: WIF, amount: '1000' } }] },
    ],
    prices: { [WIF]: points },
    now: '2024-05-01T00:00:00Z',
  };

  it('prints the moments sorted by at then kind', async () => {
    const r = await runOof(['detect'], JSON.stringify(input));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const moments = JSON.parse(r.stdout);
    expect(moments.map((m: any) => [m.kind, m.signature, m.missedUsd, m.status])).toEqual([
      ['S2E', 'sellWIF', '2135.90', 'final'],
      ['BHD', 'buyWIF', '2116.90', 'final'], // 1000 × (4.2315 − 2.1146), the closes' trough of prices/README.md
    ]);
    for (const m of moments) expect(m).toMatchObject({ id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), wallet: W, explain: expect.any(Object) });
  });

  it('is deterministic: same input, same output', async () => {
    const [a, b] = await Promise.all([runOof(['detect', '-'], JSON.stringify(input)), runOof(['detect'], JSON.stringify(input))]);
    expect(a.stdout).toBe(b.stdout);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['no wallet', JSON.stringify({ transactions: [] }), /wallet/],
    ['a bad amount', JSON.stringify({ ...input, transactions: [{ ...input.transactions[0], actions: [{ kind: 'swap', sent: { mint: WIF, amount: '1e3' }, received: null }] }] }), /must be a decimal string/],
    ['a bad price time', JSON.stringify({ ...input, prices: { [WIF]: [['yesterday', '1']] } }), /not an ISO time or unix seconds/],
    ['a bad now', JSON.stringify({ ...input, now: 'later' }), /now: "later"/],
  ])('fails clearly on %s', async (_why, stdin, msg) => {
    const r = await runOof(['detect'], stdin);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(msg);
  });
});
