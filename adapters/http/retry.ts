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
 * Keeps a source's request starts within its documented limit, in this process: at most `limit` starts in any window
 * of `windowMs` (Jupiter counts 30 a minute in a 60 s sliding window for the keyless tier; Helius DAS counts per
 * second). Callers past the limit wait for the oldest start in the window to leave it, instead of collecting 429s. A
 * burst within the limit goes out at once: spacing every start evenly (one per 2 s for Jupiter) made a live batch
 * wait 2 s for a token lookup the limit allowed.
 */
export class Pacer {
  /** Reserved start times, oldest first (the newest may lie ahead: callers sleeping until their turn). */
  private readonly starts: number[] = [];
  constructor(private readonly limit: number, private readonly windowMs = 60_000, private readonly now: () => number = Date.now) {
    if (!(limit >= 1) || !Number.isInteger(limit)) throw new Error('Pacer needs a whole number of requests per window');
    if (!(windowMs > 0)) throw new Error('Pacer needs a positive window');
  }
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const now = this.now();
    while (this.starts.length && this.starts[0]! <= now - this.windowMs) this.starts.shift();
    const at = this.starts.length >= this.limit ? Math.max(now, this.starts[this.starts.length - this.limit]! + this.windowMs) : now;
    this.starts.push(at);
    if (at > now) await sleep(at - now, signal);
    return fn();
  }
}
