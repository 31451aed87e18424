import { RpcError, RpcTransportError, SolanaRpcClient } from '../../adapters/chain/solana-rpc';
import { backoffMs, parseRetryAfter, Semaphore } from '../../adapters/http/retry';
import { SolanaRpcReplayServer } from '../../lib/replay/solana-rpc-server';
import { syntheticHistory } from '../../lib/replay/synthetic-history';
import { readJson, unwrap } from '../helpers/fixtures';

const WALLET = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';
const templates = [
  unwrap(readJson('transactions/metamask/swap-usdc-to-jup.json')),
  unwrap(readJson('transactions/txparser/raydiumLiquidityPoolV4_swap_1.json')),
  unwrap(readJson('transactions/txparser/pumpfun_sell_0.json')),
];

describe('Solana RPC client against a local JSON-RPC server', () => {
  const server = new SolanaRpcReplayServer();
  const history = syntheticHistory({ wallet: WALLET, count: 2500, templates });
  let client: SolanaRpcClient;
  const retries: string[] = [];

  beforeAll(async () => {
    server.add(history);
    server.add([unwrap(readJson('transactions/txparser/token_transfer_0.json'))]); // legacy
    await server.start();
    client = new SolanaRpcClient({ url: server.url, concurrency: 8, timeoutMs: 500, retryBaseMs: 5, retryMaxMs: 50, onRetry: (r) => retries.push(r.reason) });
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.faults = {};
    retries.length = 0;
  });

  it('pages getSignaturesForAddress newest first with before, exactly once each, to the end', async () => {
    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await client.getSignaturesForAddress(WALLET, { limit: 1000, before });
      pages++;
      seen.push(...page.map((p) => p.signature));
      for (let i = 1; i < page.length; i++) expect(page[i - 1]!.slot).toBeGreaterThanOrEqual(page[i]!.slot);
      if (page.length < 1000) break;
      before = page[page.length - 1]!.signature;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);
    expect(seen[0]).toBe(history[0].transaction.signatures[0]);
  });

  it('handles page edges: a full last page, until, and an unknown before', async () => {
    const all = await client.getSignaturesForAddress(WALLET, { limit: 1000 });
    const tail = await client.getSignaturesForAddress(WALLET, { limit: 500, before: all[499]!.signature });
    expect(tail.map((t) => t.signature)).toEqual(all.slice(500).map((t) => t.signature));
    const upTo = await client.getSignaturesForAddress(WALLET, { limit: 1000, until: all[10]!.signature });
    expect(upTo.map((t) => t.signature)).toEqual(all.slice(0, 10).map((t) => t.signature));
    expect(await client.getSignaturesForAddress(WALLET, { limit: 10, before: 'unknownSignature' })).toEqual([]);
    expect(await client.getSignaturesForAddress('11111111111111111111111111111112', { limit: 10 })).toEqual([]);
  });

  it('fetches v0 and legacy transactions, and null for an unknown signature', async () => {
    const tx = await client.getTransaction(history[5].transaction.signatures[0]);
    expect(tx.version).toBe(0);
    expect(tx.transaction.message.accountKeys[0]).toBe(WALLET);
    const legacy = await client.getTransaction(unwrap(readJson('transactions/txparser/token_transfer_0.json')).transaction.signatures[0]);
    expect(legacy.version).toBe('legacy');
    expect(await client.getTransaction('5'.repeat(88))).toBeNull();
  });

  it('retries 429 (honouring Retry-After), -32005 and 503, then succeeds', async () => {
    server.faults = { rateLimitNext: 2, retryAfterSeconds: 0, nodeBehindNext: 1, unavailableNext: 1 };
    const page = await client.getSignaturesForAddress(WALLET, { limit: 3 });
    expect(page).toHaveLength(3);
    expect(retries).toHaveLength(4);
    expect(retries.join('\n')).toMatch(/-32005: Too many requests/);
    expect(retries.join('\n')).toMatch(/Node is behind/);
    expect(retries.join('\n')).toMatch(/HTTP 503/);
  });

  it('waits as long as Retry-After asks', async () => {
    server.faults = { rateLimitNext: 1, retryAfterSeconds: 1 };
    const t = Date.now();
    await client.getSignaturesForAddress(WALLET, { limit: 1 });
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
  });

  it('times out a hung request and retries it', async () => {
    server.faults = { hangNext: 1 };
    const page = await client.getSignaturesForAddress(WALLET, { limit: 2 });
    expect(page).toHaveLength(2);
    expect(retries[0]).toMatch(/timed out after 500 ms/);
  });

  it('gives up after maxRetries with a transport error, and never retries a request the node rejects', async () => {
    const impatient = new SolanaRpcClient({ url: server.url, maxRetries: 2, retryBaseMs: 1, retryMaxMs: 2 });
    server.faults = { unavailableNext: 5 };
    await expect(impatient.getSignaturesForAddress(WALLET)).rejects.toThrow(RpcTransportError);
    server.faults = {};
    await expect(impatient.call('getSignaturesForAddress', [WALLET, { limit: 5000 }])).rejects.toThrow(/-32602/);
    await expect(impatient.call('getTransaction', [history[0].transaction.signatures[0], { encoding: 'json' }])).rejects.toThrow(/-32015/);
    const err: any = await impatient.call('noSuchMethod', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err.retryable).toBe(false);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    server.faults = { latencyMs: 20 };
    const narrow = new SolanaRpcClient({ url: server.url, concurrency: 4 });
    let inFlight = 0;
    let peak = 0;
    const sem = (narrow as any).sem as Semaphore;
    const orig = sem.run.bind(sem);
    sem.run = (fn) => orig(async () => { inFlight++; peak = Math.max(peak, inFlight); try { return await fn(); } finally { inFlight--; } });
    await Promise.all(history.slice(0, 40).map((t) => narrow.getTransaction(t.transaction.signatures[0])));
    expect(peak).toBe(4);
  });
});

describe('retry helpers', () => {
  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffMs(0, 100, 1000, () => 0.999)).toBe(99);
    expect(backoffMs(3, 100, 1000, () => 0.999)).toBe(799);
    expect(backoffMs(10, 100, 1000, () => 0.5)).toBe(500);
    expect(backoffMs(5, 100, 1000, () => 0)).toBe(0);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
