import { parseRetryAfter, retrying } from './retry';

export interface HttpJsonOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** For APIs that say when their window resets (Jupiter's x-ratelimit-reset, Unix s). */
  resetHeader?: string;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly body?: unknown) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * GET a JSON document with a timeout and retries (429, 5xx, network errors) honouring Retry-After and a reset
 * header; other 4xx answers fail at once with the server's message.
 */
export async function getJson<T>(url: URL | string, o: HttpJsonOptions = {}): Promise<T> {
  const doFetch = o.fetchImpl ?? fetch;
  const timeoutMs = o.timeoutMs ?? 15_000;
  return retrying(async () => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await doFetch(url, { headers: { accept: 'application/json', ...o.headers }, signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout });
    } catch (e) {
      if (o.signal?.aborted) throw e;
      throw new RetryableHttpFailure(0, timeout.aborted ? `timed out after ${timeoutMs} ms` : (e as Error).message);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (res.ok) return body as T;
    const message = (body as any)?.message ?? (body as any)?.error ?? (typeof body === 'string' ? body.slice(0, 200) : '');
    if (res.status !== 429 && res.status < 500) throw new HttpError(res.status, `HTTP ${res.status} ${message}`.trim(), body);
    let retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    const reset = o.resetHeader ? Number(res.headers.get(o.resetHeader)) : NaN;
    if (Number.isFinite(reset) && reset > 0) retryAfterMs = Math.max(retryAfterMs ?? 0, Math.min(60_000, reset * 1000 - Date.now()));
    throw new RetryableHttpFailure(res.status, `HTTP ${res.status} ${message}`.trim(), retryAfterMs);
  }, {
    maxRetries: o.maxRetries ?? 4,
    baseMs: o.retryBaseMs ?? 500,
    maxMs: 30_000,
    signal: o.signal,
    retryable: (e) => (e instanceof RetryableHttpFailure ? { retryAfterMs: e.retryAfterMs } : false),
    onGiveUp: (e) => {
      const f = e as RetryableHttpFailure;
      return new HttpError(f.status, `${String(url).replace(/api-key=[^&]+/, 'api-key=…')}: ${f.message}`);
    },
  });
}

/** A 429, a 5xx or a network failure: worth asking again. */
class RetryableHttpFailure extends Error {
  constructor(readonly status: number, message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}
