import type { Logger } from './logger';

export interface OutboxPollerOptions {
  log: Logger;
  /** Names the work in the warning a failed round logs. */
  what: string;
  batchSize: number;
  idleMs?: number;
}

/**
 * The loop of a dispatcher that drains an outbox table: one claimed batch a round, at once again while batches come
 * full or a nudge arrived meanwhile, every idleMs otherwise, and with backoff (0.5 s doubling to 30 s) after a failed
 * round, whose rows stay for the next. Subclasses say what one batch is.
 */
export abstract class OutboxPoller {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private failures = 0;

  constructor(private readonly poll: OutboxPollerOptions) {}

  /** One claimed batch; returns how many rows it handled. */
  abstract dispatchBatch(): Promise<number>;

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** New rows were written: run soon rather than at the next idle tick. */
  nudge(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => { this.running = undefined; });
    }, ms);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    let next = this.poll.idleMs ?? 1000;
    try {
      const handled = await this.dispatchBatch();
      this.failures = 0;
      if (handled === this.poll.batchSize || this.again) next = 0;
    } catch (err) {
      this.failures++;
      next = Math.min(30_000, 500 * 2 ** this.failures);
      this.poll.log.warn({ err: (err as Error).message, retryInMs: next }, `${this.poll.what} failed; will retry`);
    }
    this.again = false;
    this.schedule(next);
  }
}
