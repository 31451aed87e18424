import { parseRetryAfter, retrying } from '../http/retry';

export interface HeliusHistoryOptions {
  /** `https://api-mainnet.helius-rpc.com` (docs) or `https://api.helius.xyz` (SDK v2); configurable on purpose. */
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  fetchImpl?: typeof fetch;
}

export interface HistoryQuery {
  before?: string;
  type?: string;
  source?: string;
  limit?: number;
}

const CONTINUE = /parameter set to ([A-Za-z0-9]+)/;

/**
 * Helius Enhanced Transactions history (`GET /v0/addresses/{address}/transactions`), newest first. Pages with
 * `before-signature`; a type/source filter that finds nothing in its ~50-transaction window answers with an error
 * naming where to continue, which is followed transparently. Ends at `[]`.
 */
export class HeliusHistoryClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly o: HeliusHistoryOptions) {
    this.fetch = o.fetchImpl ?? fetch;
  }

  /** One request: the page, or where a filtered search says to continue. */
  async page(address: string, q: HistoryQuery, signal?: AbortSignal): Promise<{ items: any[] } | { continueBefore: string }> {
    const url = new URL(`/v0/addresses/${encodeURIComponent(address)}/transactions`, this.o.baseUrl);
    url.searchParams.set('api-key', this.o.apiKey);
    url.searchParams.set('limit', String(Math.min(100, Math.max(1, q.limit ?? 100))));
    if (q.before) url.searchParams.set('before-signature', q.before);
    if (q.type) url.searchParams.set('type', q.type);
    if (q.source) url.searchParams.set('source', q.source);
    const failed = (status: number, message: string, retryAfterMs?: number) =>
      Object.assign(new Error(`Helius history for ${address}: ${message}`), { status, retryAfterMs });
    return retrying(async () => {
      let res: Response;
      try {
        res = await this.fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(this.o.timeoutMs ?? 30_000)]) : AbortSignal.timeout(this.o.timeoutMs ?? 30_000) });
      } catch (e) {
        throw failed(0, (e as Error).message);
      }
      const body: any = await res.json().catch(() => undefined);
      if (Array.isArray(body)) return { items: body };
      const message = typeof body?.error === 'string' ? body.error : body?.error?.message ?? body?.message;
      const next = typeof message === 'string' ? CONTINUE.exec(message) : null;
      if (next) return { continueBefore: next[1]! };
      throw failed(res.status, `HTTP ${res.status}${message ? ` ${message}` : ''}`, parseRetryAfter(res.headers.get('retry-after')));
    }, {
      maxRetries: this.o.maxRetries ?? 5,
      baseMs: this.o.retryBaseMs ?? 500,
      maxMs: 10_000,
      signal,
      // Network errors (status 0), rate limits and server errors are worth another try; other answers are final.
      retryable: (e) => {
        const { status, retryAfterMs } = e as { status?: number; retryAfterMs?: number };
        return status === 0 || status === 429 || (status ?? 0) >= 500 ? { retryAfterMs } : false;
      },
    });
  }

  /** Every page from `before` (or the newest) to the end of history. */
  async *pages(address: string, q: HistoryQuery = {}, signal?: AbortSignal): AsyncGenerator<any[]> {
    let before = q.before;
    for (;;) {
      const r = await this.page(address, { ...q, before }, signal);
      if ('continueBefore' in r) {
        before = r.continueBefore;
        continue;
      }
      if (r.items.length === 0) return;
      yield r.items;
      before = r.items[r.items.length - 1].signature;
    }
  }
}
