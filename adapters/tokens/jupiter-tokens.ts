import { getJson } from '../http/get-json';
import { Pacer } from '../http/retry';

export interface JupiterTokensOptions {
  /** The API host (JUPITER_BASE_URL); Tokens V2 lives under /tokens/v2. */
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  requestsPerMinute?: number;
}

const MAX_IDS = 100;

/** Jupiter Tokens V2 `search` by mint (external-apis.md §8.2): ≤ 100 comma-separated mints a request. */
export class JupiterTokensClient {
  private readonly pacer: Pacer;
  constructor(private readonly o: JupiterTokensOptions) {
    // Jupiter's limit is a 60 s sliding window per organisation (§ Jupiter limits: keyless 30 a minute).
    this.pacer = new Pacer(o.requestsPerMinute ?? 30, 60_000);
  }

  /** Entries by mint; a mint Jupiter does not know is absent (never looked up by symbol). */
  async byMint(mints: string[], signal?: AbortSignal): Promise<Map<string, any>> {
    const out = new Map<string, any>();
    const unique = [...new Set(mints)];
    for (let i = 0; i < unique.length; i += MAX_IDS) {
      const batch = unique.slice(i, i + MAX_IDS);
      const url = new URL('/tokens/v2/search', this.o.baseUrl);
      url.searchParams.set('query', batch.join(','));
      const body = await this.pacer.run(() => getJson<unknown>(url, {
        headers: this.o.apiKey ? { 'x-api-key': this.o.apiKey } : {},
        timeoutMs: this.o.timeoutMs ?? 10_000, maxRetries: this.o.maxRetries ?? 3, retryBaseMs: this.o.retryBaseMs, resetHeader: 'x-ratelimit-reset', signal,
      }), signal);
      const wanted = new Set(batch);
      // A search may add fuzzy matches of other mints: keep only what was asked for.
      for (const e of Array.isArray(body) ? body : []) if (typeof e?.id === 'string' && wanted.has(e.id)) out.set(e.id, e);
    }
    return out;
  }
}
