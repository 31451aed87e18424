import { backoffMs, parseRetryAfter, sleep } from './retry';

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
  const max = o.maxRetries ?? 4;
  for (let attempt = 0; ; attempt++) {
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 15_000);
    let res: Response | undefined;
    let failure: string;
    try {
      res = await doFetch(url, { headers: { accept: 'application/json', ...o.headers }, signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout });
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
      failure = `HTTP ${res.status} ${message}`.trim();
    } catch (e) {
      if (e instanceof HttpError) throw e;
      if (o.signal?.aborted) throw e;
      failure = timeout.aborted ? `timed out after ${o.timeoutMs ?? 15_000} ms` : (e as Error).message;
    }
    if (attempt >= max) throw new HttpError(res?.status ?? 0, `${String(url).replace(/api-key=[^&]+/, 'api-key=…')}: ${failure}`);
    let wait = backoffMs(attempt, o.retryBaseMs ?? 500, 30_000);
    const retryAfter = parseRetryAfter(res?.headers.get('retry-after'));
    if (retryAfter !== undefined) wait = Math.max(wait, retryAfter);
    const reset = o.resetHeader ? Number(res?.headers.get(o.resetHeader)) : NaN;
    if (Number.isFinite(reset) && reset > 0) wait = Math.max(wait, Math.min(60_000, reset * 1000 - Date.now()));
    await sleep(wait, o.signal);
  }
}
