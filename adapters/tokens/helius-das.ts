import { RpcError, SolanaRpcClient } from '../chain/solana-rpc';
import { Pacer } from '../http/retry';

export interface HeliusDasOptions {
  /** DAS endpoint without the key, e.g. https://mainnet.helius-rpc.com */
  url: string;
  apiKey: string;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  requestsPerMinute?: number;
}

const MAX_IDS = 1000;
// −32004 "One or more assets in the batch were not found": whether the rest still comes back is unverified (§8.1).
const NOT_FOUND = -32004;

/** Helius DAS `getAssetBatch` (external-apis.md §8.1) over the shared JSON-RPC client (retries, timeouts). */
export class HeliusDasClient {
  private readonly rpc: SolanaRpcClient;
  private readonly pacer: Pacer;
  constructor(o: HeliusDasOptions) {
    const url = new URL(o.url);
    url.searchParams.set('api-key', o.apiKey);
    this.rpc = new SolanaRpcClient({ url: url.toString(), timeoutMs: o.timeoutMs ?? 15_000, maxRetries: o.maxRetries ?? 3, retryBaseMs: o.retryBaseMs, concurrency: 2, finalCodes: [NOT_FOUND] });
    // Helius limits DAS per second (§1.5: 2 req/s on Free): the per-minute setting is spread over one-second windows.
    this.pacer = new Pacer(Math.max(1, Math.floor((o.requestsPerMinute ?? 120) / 60)), 1000);
  }

  /** Assets by id; ids the index does not know are absent, whether the batch answers null for them or fails whole. */
  async byMint(mints: string[], signal?: AbortSignal): Promise<Map<string, any>> {
    const out = new Map<string, any>();
    const unique = [...new Set(mints)];
    for (let i = 0; i < unique.length; i += MAX_IDS) {
      const ids = unique.slice(i, i + MAX_IDS);
      let result: unknown;
      try {
        result = await this.pacer.run(() => this.rpc.call<unknown>('getAssetBatch', { ids }, signal), signal);
      } catch (e) {
        if (!(e instanceof RpcError && e.code === NOT_FOUND)) throw e;
        // The whole batch failed for some unknown id: ask one by one so the known ones still get their metadata.
        for (const id of ids) {
          const one = await this.pacer.run(() => this.rpc.call<any>('getAsset', { id }, signal), signal).catch((err) => {
            if (err instanceof RpcError && err.code === NOT_FOUND) return null;
            throw err;
          });
          if (one?.id === id) out.set(id, one);
        }
        continue;
      }
      for (const a of Array.isArray(result) ? result : []) if (typeof a?.id === 'string' && ids.includes(a.id)) out.set(a.id, a);
    }
    return out;
  }
}
