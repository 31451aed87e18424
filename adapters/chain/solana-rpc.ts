import { parseRetryAfter, retrying, Semaphore } from '../http/retry';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface SignatureInfo {
  signature: string;
  slot: number;
  err: unknown;
  memo: string | null;
  blockTime: number | null;
  confirmationStatus?: string | null;
}

export interface RpcClientOptions {
  url: string;
  /** Requests in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  commitment?: 'confirmed' | 'finalized';
  headers?: Record<string, string>;
  fetchImpl?: typeof fetch;
  onRetry?: (info: { method: string; attempt: number; delayMs: number; reason: string }) => void;
  /** Error codes that are final answers for this endpoint (DAS uses −32004 for "asset not found"), never retried. */
  finalCodes?: number[];
}

/** A JSON-RPC error the node answered with. `retryable` says whether asking again (later or elsewhere) can help. */
export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown, readonly httpStatus?: number) {
    super(`RPC error ${code}: ${message}`);
    this.name = 'RpcError';
  }
  get retryable(): boolean {
    if (this.httpStatus === 401 || this.httpStatus === 403) return false; // Helius reuses -32001 for a bad key
    return RETRYABLE_CODES.has(this.code) || (this.httpStatus !== undefined && (this.httpStatus === 429 || this.httpStatus >= 500));
  }
}

/** Transport failures (timeouts, refused connections, 5xx without a JSON-RPC body) after the retries ran out. */
export class RpcTransportError extends Error {
  constructor(message: string, readonly httpStatus?: number) {
    super(message);
    this.name = 'RpcTransportError';
  }
}

// external-apis.md §2: node behind / rate limited, block not yet available, min context slot, storage unreachable.
const RETRYABLE_CODES = new Set([-32005, -32004, -32014, -32016, -32019, -32002, -32001, -32011]);

/**
 * Solana JSON-RPC over HTTP with bounded concurrency, a per-request timeout, and retries with jittered exponential
 * backoff on 429, 5xx, network errors and the node's "try later" codes, honouring Retry-After.
 */
export class SolanaRpcClient {
  private readonly sem: Semaphore;
  private readonly fetch: typeof fetch;
  private nextId = 1;

  constructor(private readonly o: RpcClientOptions) {
    this.sem = new Semaphore(o.concurrency ?? 8);
    this.fetch = o.fetchImpl ?? fetch;
  }

  /** `params` is positional for Solana methods, an object for Helius DAS (getAssetBatch). */
  async call<T>(method: string, params: unknown[] | Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    return retrying(() => this.sem.run(() => this.once<T>(method, params, signal)), {
      maxRetries: this.o.maxRetries ?? 6,
      baseMs: this.o.retryBaseMs ?? 250,
      maxMs: this.o.retryMaxMs ?? 10_000,
      signal,
      retryable: (e) => (e instanceof RpcError && (!e.retryable || this.o.finalCodes?.includes(e.code)) ? false : { retryAfterMs: (e as { retryAfterMs?: number }).retryAfterMs }),
      onRetry: ({ attempt, delayMs, error }) => this.o.onRetry?.({ method, attempt, delayMs, reason: messageOf(error) }),
      onGiveUp: (e, attempts) => (e instanceof RpcError ? e : new RpcTransportError(`${method} failed after ${attempts} attempts: ${messageOf(e)}`, (e as RpcTransportError).httpStatus)),
    });
  }

  private async once<T>(method: string, params: unknown[] | Record<string, unknown>, outer?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs ?? 30_000);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    let res: Response;
    try {
      res = await this.fetch(this.o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.o.headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params }),
        signal,
      });
    } catch (e) {
      const err = new RpcTransportError(timeout.aborted ? `${method} timed out after ${this.o.timeoutMs ?? 30_000} ms` : `${method}: ${(e as Error).message}`);
      throw err;
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    let body: any;
    const text = await res.text().catch(() => '');
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (body?.error) {
      const err = new RpcError(Number(body.error.code), String(body.error.message ?? ''), body.error.data, res.status);
      throw Object.assign(err, { retryAfterMs });
    }
    if (!res.ok || body === undefined || !('result' in body)) {
      const err = new RpcTransportError(`${method}: HTTP ${res.status}${text ? ` ${text.slice(0, 120)}` : ''}`, res.status);
      if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) {
        throw Object.assign(new RpcError(-res.status, `HTTP ${res.status}`, undefined, res.status), { retryAfterMs });
      }
      throw Object.assign(err, { retryAfterMs });
    }
    return body.result as T;
  }

  /** One page, newest first. `before` is exclusive; `until` is treated as exclusive (callers dedupe). */
  getSignaturesForAddress(address: string, opts: { limit?: number; before?: string; until?: string } = {}, signal?: AbortSignal): Promise<SignatureInfo[]> {
    const limit = Math.min(1000, Math.max(1, opts.limit ?? 1000));
    const cfg: Record<string, unknown> = { limit, commitment: this.o.commitment ?? 'finalized' };
    if (opts.before) cfg.before = opts.before;
    if (opts.until) cfg.until = opts.until;
    return this.call<SignatureInfo[]>('getSignaturesForAddress', [address, cfg], signal);
  }

  /** Accounts in the order asked (null where none exists), ≤ 100 keys a call. */
  getMultipleAccounts(keys: string[], encoding: 'base64' | 'jsonParsed', signal?: AbortSignal): Promise<{ value: any[] }> {
    return this.call('getMultipleAccounts', [keys, { encoding, commitment: this.o.commitment ?? 'finalized' }], signal);
  }

  /** null when the node does not know the signature (yet). */
  getTransaction(signature: string, encoding: 'json' | 'jsonParsed' = 'json', signal?: AbortSignal): Promise<any | null> {
    return this.call('getTransaction', [signature, { encoding, maxSupportedTransactionVersion: 0, commitment: this.o.commitment ?? 'finalized' }], signal);
  }
}
