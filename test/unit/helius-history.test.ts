import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeliusHistoryClient } from '../../adapters/chain/helius-history';
import { fakeSignature, prng } from '../../lib/replay/synthetic-history';
import { readJson } from '../helpers/fixtures';

const sample = readJson('apis/helius-enhanced-swap-jupiter.json');
const continuation = readJson('apis/helius-enhanced-history-type-filter-error.json');

describe('Helius enhanced-history client against a local server speaking its protocol', () => {
  const rand = prng(3);
  const all = Array.from({ length: 250 }, (_, i) => ({ ...sample, signature: fakeSignature(rand), slot: sample.slot - i, type: i % 3 === 0 ? 'SWAP' : 'TRANSFER' }));
  const seen: URL[] = [];
  let throttle = 1;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    seen.push(url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (url.searchParams.get('api-key') !== 'k3y') return send(401, { jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized' }, id: '1' });
    if (throttle > 0) { throttle--; return send(429, { jsonrpc: '2.0', error: { code: -32005, message: 'Too many requests' } }, { 'retry-after': '0' }); }
    const before = url.searchParams.get('before-signature');
    const limit = Number(url.searchParams.get('limit'));
    const start = before ? all.findIndex((t) => t.signature === before) + 1 : 0;
    const type = url.searchParams.get('type');
    if (type) {
      // Like Helius: look at a window of ~50 and, finding nothing, say where to continue.
      const window = all.slice(start, start + 50);
      const hits = window.filter((t) => t.type === type).slice(0, limit);
      if (hits.length === 0 && window.length) return send(200, { error: continuation.error.replace(/set to \w+/, `set to ${window[window.length - 1]!.signature}`) });
      return send(200, hits.length ? all.slice(start).filter((t) => t.type === type).slice(0, Math.min(limit, hits.length)) : []);
    }
    return send(200, all.slice(start, start + limit));
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('pages the whole history with before-signature, retrying a 429', async () => {
    const client = new HeliusHistoryClient({ baseUrl: base, apiKey: 'k3y', retryBaseMs: 1 });
    const got: string[] = [];
    for await (const page of client.pages(sample.feePayer)) got.push(...page.map((t) => t.signature));
    expect(got).toEqual(all.map((t) => t.signature));
    expect(seen.some((u) => u.pathname === `/v0/addresses/${sample.feePayer}/transactions` && u.searchParams.get('limit') === '100')).toBe(true);
  });

  it('follows the type-filter continuation error', async () => {
    all.slice(0, 60).forEach((t) => { t.type = 'TRANSFER'; });
    const client = new HeliusHistoryClient({ baseUrl: base, apiKey: 'k3y', retryBaseMs: 1 });
    const got: string[] = [];
    for await (const page of client.pages(sample.feePayer, { type: 'SWAP', limit: 100 })) got.push(...page.map((t) => t.signature));
    expect(got).toEqual(all.filter((t) => t.type === 'SWAP').map((t) => t.signature));
  });

  it('fails clearly on a bad key', async () => {
    const client = new HeliusHistoryClient({ baseUrl: base, apiKey: 'wrong', retryBaseMs: 1 });
    await expect(client.page(sample.feePayer, {})).rejects.toThrow(/HTTP 401 Unauthorized/);
  });
});
