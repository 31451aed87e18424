import http from 'node:http';
import { closeNow, listenOnLoopback } from './loopback';

export interface MarketToken { decimals: number; history?: Array<[number, string]>; live?: string }

/**
 * Jupiter (Price v3, Quote v1), Birdeye (history_price) and CoinGecko (market_chart/range) on 127.0.0.1, answering
 * from in-memory series in each API's own shapes and units. Tests move live prices; the offline demo serves the real
 * Binance series. `requireKey` makes it answer 401 like Jupiter does to a bad key.
 */
export class MarketReplayServer {
  readonly tokens = new Map<string, MarketToken>();
  /** Jupiter Tokens V2 entries by mint, as `/tokens/v2/search` returns them. */
  readonly tokenEntries = new Map<string, any>();
  readonly calls: Record<string, number> = {};
  /** The quote's output is this much better than the market (0.01 = 1 %); negative makes routes worse. */
  quoteEdge = 0.01;
  rateLimitNext = 0;
  /** Tokens V2 searches answer after this long (a slow registry source). */
  tokenSearchDelayMs = 0;
  requireKey?: string;
  private server?: http.Server;
  url = '';

  setToken(mint: string, t: MarketToken): void {
    this.tokens.set(mint, { ...t, history: t.history?.slice().sort((a, b) => a[0] - b[0]) });
  }

  setLive(mint: string, usd: string): void {
    const t = this.tokens.get(mint) ?? { decimals: 6 };
    this.tokens.set(mint, { ...t, live: usd });
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.url = await listenOnLoopback(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    await closeNow(this.server);
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-api-gateway-request-id': String(Math.random()).slice(2), ...headers }).end(text);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.calls[url.pathname] = (this.calls[url.pathname] ?? 0) + 1;
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return this.send(res, 429, { message: 'Rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) });
    }
    if (url.pathname === '/price/v3' || url.pathname === '/swap/v1/quote') {
      if (this.requireKey !== undefined && req.headers['x-api-key'] !== this.requireKey) return this.send(res, 401, { code: 401, message: 'Unauthorized' });
      return url.pathname === '/price/v3' ? this.price(url, res) : this.quote(url, res);
    }
    if (url.pathname === '/tokens/v2/search') {
      if (this.requireKey !== undefined && req.headers['x-api-key'] !== this.requireKey) return this.send(res, 401, { code: 401, message: 'Unauthorized' });
      if (this.tokenSearchDelayMs > 0) return void setTimeout(() => this.tokenSearch(url, res), this.tokenSearchDelayMs);
      return this.tokenSearch(url, res);
    }
    if (url.pathname === '/defi/history_price') return this.birdeye(url, res);
    const cg = /^\/api\/v3\/coins\/solana\/contract\/([^/]+)\/market_chart\/range$/.exec(url.pathname);
    if (cg) return this.coingecko(decodeURIComponent(cg[1]!), url, res);
    this.send(res, 404, { message: 'not found' });
  }

  private livePrice(mint: string): string | undefined {
    const t = this.tokens.get(mint);
    if (!t) return undefined;
    if (t.live) return t.live;
    const h = t.history;
    if (!h?.length) return undefined;
    // The newest point not after now, so replayed series look like live prices at their own time.
    const now = Date.now();
    let best = h[0]!;
    for (const p of h) if (p[0] <= now) best = p;
    return best[1];
  }

  private price(url: URL, res: http.ServerResponse): void {
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length > 50) return this.send(res, 400, { message: 'at most 50 ids' });
    const out: Record<string, unknown> = {};
    for (const id of ids) {
      const p = this.livePrice(id);
      if (p === undefined) continue; // Jupiter leaves unpriced tokens out
      out[id] = { usdPrice: Number(p), blockId: 348004023, decimals: this.tokens.get(id)!.decimals, priceChange24h: 0, createdAt: '2024-06-05T08:55:25.527Z', liquidity: 1_000_000 };
    }
    this.send(res, 200, out);
  }

  /** Tokens V2 search by mints (≤ 100, comma-separated); unknown mints are simply not in the array. */
  private tokenSearch(url: URL, res: http.ServerResponse): void {
    const ids = (url.searchParams.get('query') ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    if (!ids.length) return this.send(res, 400, { error: 'query is required' });
    if (ids.length > 100) return this.send(res, 400, { error: 'at most 100 mints' });
    this.send(res, 200, ids.map((id) => this.tokenEntries.get(id)).filter(Boolean));
  }

  private quote(url: URL, res: http.ServerResponse): void {
    const inMint = url.searchParams.get('inputMint') ?? '';
    const outMint = url.searchParams.get('outputMint') ?? '';
    const amount = url.searchParams.get('amount') ?? '';
    const pin = this.livePrice(inMint);
    const pout = this.livePrice(outMint);
    const tin = this.tokens.get(inMint);
    const tout = this.tokens.get(outMint);
    if (!/^\d+$/.test(amount) || !pin || !pout || !tin || !tout) return this.send(res, 400, { error: 'Could not find any route', errorCode: 'COULD_NOT_FIND_ANY_ROUTE' });
    const usd = (Number(amount) / 10 ** tin.decimals) * Number(pin);
    const outRaw = Math.floor((usd / Number(pout)) * (1 + this.quoteEdge) * 10 ** tout.decimals).toString();
    this.send(res, 200, {
      inputMint: inMint, inAmount: amount, outputMint: outMint, outAmount: outRaw, otherAmountThreshold: outRaw, swapMode: 'ExactIn', slippageBps: 50,
      priceImpactPct: '0.0001', platformFee: null,
      routePlan: [{ swapInfo: { ammKey: 'HXpGFJGCEEFdV31tDmjDBaJMEB1fKLiAoKoWr3Fnonid', label: 'Meteora DLMM', inputMint: inMint, outputMint: outMint, inAmount: amount, outAmount: outRaw }, percent: 100 }],
      contextSlot: 324307186, timeTaken: 0.012,
    });
  }

  private points(mint: string, fromMs: number, toMs: number): Array<[number, string]> {
    return (this.tokens.get(mint)?.history ?? []).filter(([t]) => t >= fromMs && t <= toMs);
  }

  private birdeye(url: URL, res: http.ServerResponse): void {
    const mint = url.searchParams.get('address') ?? '';
    const from = Number(url.searchParams.get('time_from')) * 1000;
    const to = Number(url.searchParams.get('time_to')) * 1000;
    const items = this.points(mint, from, to).slice(0, 1000).map(([t, v]) => ({ address: mint, unixTime: Math.floor(t / 1000), value: Number(v) }));
    this.send(res, 200, { data: { items }, success: true });
  }

  private coingecko(mint: string, url: URL, res: http.ServerResponse): void {
    const from = Number(url.searchParams.get('from')) * 1000;
    const to = Number(url.searchParams.get('to')) * 1000;
    if (!this.tokens.has(mint)) return this.send(res, 404, { error: 'coin not found' });
    const prices = this.points(mint, from, to).map(([t, v]) => [t, Number(v)]);
    this.send(res, 200, { prices, market_caps: prices.map(([t]) => [t, 0]), total_volumes: prices.map(([t]) => [t, 0]) });
  }
}
