import type { ChildProcess } from 'node:child_process';
import type { Logger } from './logger';
import { spawnEntry, stopProcess } from './processes';

export interface RestartPolicy {
  /** Wait before the first restart; doubled for each further restart within the window, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** More than this many restarts within windowMs: the child is given up on (and the whole stack stops). */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTARTS: RestartPolicy = { backoffMs: 1000, maxBackoffMs: 30_000, maxRestarts: 5, windowMs: 5 * 60_000 };

/**
 * One entry point kept running: a child that exits without being asked to is started again after a backoff; one that
 * keeps dying is given up on, and `onGiveUp` stops everything (a stack half up is worse than one that is down).
 */
export class Supervised {
  private child?: ChildProcess;
  private stopping = false;
  private readonly restarts: number[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: Logger,
    private readonly policy: RestartPolicy,
    private readonly onGiveUp: () => void,
  ) {}

  get current(): ChildProcess | undefined { return this.child; }

  start(): void {
    const child = spawnEntry(this.entry, this.env);
    this.child = child;
    this.log.info({ entry: this.entry, pid: child.pid }, 'started');
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      const now = Date.now();
      this.restarts.push(now);
      while (this.restarts.length && this.restarts[0]! < now - this.policy.windowMs) this.restarts.shift();
      if (this.restarts.length > this.policy.maxRestarts) {
        this.log.error({ entry: this.entry, code, signal, restarts: this.restarts.length }, 'a process keeps stopping; giving up');
        this.onGiveUp();
        return;
      }
      const delayMs = Math.min(this.policy.maxBackoffMs, this.policy.backoffMs * 2 ** (this.restarts.length - 1));
      this.log.error({ entry: this.entry, code, signal, delayMs }, 'a process stopped unexpectedly; restarting it');
      this.timer = setTimeout(() => { if (!this.stopping) this.start(); }, delayMs);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    if (this.child) await stopProcess(this.child);
  }
}
