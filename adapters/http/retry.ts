/** Exponential backoff with full jitter, capped; a server's Retry-After wins when it asks for longer. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Retry-After is either delay-seconds or an HTTP date; returns milliseconds, or undefined when absent or bad. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxMs: number;
  signal?: AbortSignal;
  /** false: fail now with this error; otherwise retry, waiting at least retryAfterMs (the server's word) if given. */
  retryable: (e: unknown) => false | { retryAfterMs?: number };
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** The error to throw once the retries have run out (default: the last one). */
  onGiveUp?: (e: unknown, attempts: number) => unknown;
}

/**
 * The one retry loop of every outbound client: jittered exponential backoff, capped, never shorter than what the
 * server asked for (Retry-After, a reset header, Telegram's retry_after), stopped by the caller's signal.
 */
export async function retrying<T>(fn: (attempt: number) => Promise<T>, p: RetryPolicy): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (p.signal?.aborted) throw e;
      const verdict = p.retryable(e);
      if (!verdict) throw e;
      if (attempt >= p.maxRetries) throw p.onGiveUp ? p.onGiveUp(e, attempt + 1) : e;
      const delayMs = Math.max(verdict.retryAfterMs ?? 0, backoffMs(attempt, p.baseMs, p.maxMs));
      p.onRetry?.({ attempt: attempt + 1, delayMs, error: e });
      await sleep(delayMs, p.signal);
    }
  }
}

/** A counting semaphore: at most `limit` calls of run() in flight at once. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error('Semaphore limit must be at least 1');
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Spaces request starts so a source's per-minute limit is never exceeded by this process (Jupiter's keyless tier
 * allows 30 a minute); callers wait their turn instead of collecting 429s.
 */
export class Pacer {
  private next = 0;
  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {
    if (!(perMinute > 0)) throw new Error('Pacer needs a positive rate');
  }
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const at = Math.max(this.now(), this.next);
    this.next = at + 60_000 / this.perMinute;
    if (at > this.now()) await sleep(at - this.now(), signal);
    return fn();
  }
}
