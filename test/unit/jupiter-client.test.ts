import { CoinGeckoProvider, BirdeyeProvider } from '../../adapters/pricing/history-providers';
import { JupiterClient, numberText } from '../../adapters/pricing/jupiter';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { readJson } from '../helpers/fixtures';

describe('Jupiter client against a local server speaking Price v3 and Quote v1', () => {
  const market = new MarketReplayServer();
  beforeAll(async () => {
    for (let i = 0; i < 120; i++) market.setToken(`Mint${i}`, { decimals: 6, live: String(1 + i / 100) });
    market.setToken('So11111111111111111111111111111111111111112', { decimals: 9, live: '147.48' });
    market.setToken('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', { decimals: 6, live: '0.9999' });
    await market.start();
  });
  afterAll(() => market.stop());

  it('asks in batches of at most 50 and leaves unpriced mints out', async () => {
    const client = new JupiterClient({ baseUrl: market.url });
    const before = market.calls['/price/v3'] ?? 0;
    const prices = await client.prices([...Array.from({ length: 120 }, (_, i) => `Mint${i}`), 'Unknown1']);
    expect((market.calls['/price/v3'] ?? 0) - before).toBe(3);
    expect(prices.size).toBe(120);
    expect(prices.get('Mint7')).toEqual({ usd: '1.07', blockId: 348004023, decimals: 6 });
    expect(prices.has('Unknown1')).toBe(false);
  });

  it('sends x-api-key, fails clearly on a bad key, and waits out a 429', async () => {
    market.requireKey = 'good';
    await expect(new JupiterClient({ baseUrl: market.url, apiKey: 'bad', retryBaseMs: 1 }).prices(['Mint1'])).rejects.toThrow(/HTTP 401 Unauthorized/);
    market.rateLimitNext = 2;
    const p = await new JupiterClient({ baseUrl: market.url, apiKey: 'good', retryBaseMs: 1 }).prices(['Mint1']);
    expect(p.get('Mint1')?.usd).toBe('1.01');
    market.requireKey = undefined;
  });

  it('quotes an exact input in raw units', async () => {
    const q = await new JupiterClient({ baseUrl: market.url }).quote({ inputMint: 'So11111111111111111111111111111111111111112', outputMint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', amount: '100000000' });
    expect(q.inAmount).toBe('100000000');
    expect(Number(q.outAmount)).toBeGreaterThan(14_000_000);
    expect(q.routeLabels).toEqual(['Meteora DLMM']);
  });

  it('reads the documented samples: usdPrice numbers become exact decimal text', () => {
    const sample = readJson('apis/jupiter-price-v3.json');
    expect(numberText(sample.So11111111111111111111111111111111111111112.usdPrice)).toBe('147.48');
    expect(numberText(1e-7)).toBe('0.0000001');
    expect(numberText(1.5e-10)).toBe('0.00000000015');
    expect(numberText(2.5e21)).toBe('2500000000000000000000');
    expect(numberText(0.00001952)).toBe('0.00001952');
  });
});

describe('history providers against the same server', () => {
  const market = new MarketReplayServer();
  const points: Array<[number, string]> = Array.from({ length: 24 * 30 }, (_, i) => [Date.parse('2024-01-01T00:00:00Z') + i * 3_600_000, String(100 + i / 10)]);
  beforeAll(async () => {
    market.setToken('SolMint', { decimals: 9, history: points });
    await market.start();
  });
  afterAll(() => market.stop());

  it.each([
    ['Birdeye', () => new BirdeyeProvider({ baseUrl: market.url, apiKey: 'k' })],
    ['CoinGecko', () => new CoinGeckoProvider({ baseUrl: market.url, apiKey: 'k' })],
  ])('%s returns the window oldest first, paging as its API needs', async (_name, make) => {
    const from = Date.parse('2024-01-03T00:00:00Z');
    const to = Date.parse('2024-01-20T00:00:00Z');
    const got = await make().fetch('SolMint', from, to);
    expect(got).toEqual(points.filter(([t]) => t >= from && t <= to));
  });
});
