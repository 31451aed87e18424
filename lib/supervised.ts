import type { ChildProcess } from 'node:child_process';
import { spawnEntry, stopProcess } from './processes';

export interface SupervisedOptions {
  name: string;
  entry: string;
  env: NodeJS.ProcessEnv;
  args?: string[];
  silent?: boolean;
  /** Restarts after a crash wait baseMs · 2^n (capped at maxMs); the count resets after a minute of uptime. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  onEvent?: (e: { name: string; event: 'started' | 'exited' | 'restarting'; code?: number | null; signal?: string | null; delayMs?: number }) => void;
  onOutput?: (name: string, line: string) => void;
}

/**
 * One process of the production shape, restarted with backoff when it dies on its own (as compose's
 * `restart: unless-stopped` does); stop() ends it for good. The fault suite kills it on purpose with kill().
 */
export class Supervised {
  private child?: ChildProcess;
  private stopped = false;
  private failures = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  restarts = 0;

  constructor(private readonly o: SupervisedOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopped = false;
    const child = spawnEntry(this.o.entry, this.o.env, { silent: this.o.silent, args: this.o.args });
    this.child = child;
    this.startedAt = Date.now();
    if (this.o.silent) {
      const forward = (b: Buffer) => b.toString().split('\n').filter(Boolean).forEach((l) => this.o.onOutput?.(this.o.name, l));
      child.stdout?.on('data', forward);
      child.stderr?.on('data', forward);
    }
    this.o.onEvent?.({ name: this.o.name, event: 'started' });
    child.once('exit', (code, signal) => {
      this.o.onEvent?.({ name: this.o.name, event: 'exited', code, signal });
      if (this.stopped || this.child !== child) return;
      if (Date.now() - this.startedAt > 60_000) this.failures = 0;
      const delayMs = Math.min(this.o.backoffMaxMs ?? 30_000, (this.o.backoffBaseMs ?? 500) * 2 ** this.failures++);
      this.o.onEvent?.({ name: this.o.name, event: 'restarting', delayMs });
      this.restartTimer = setTimeout(() => {
        this.restarts++;
        if (!this.stopped) this.start();
      }, delayMs);
    });
  }

  /** A signal as a fault would send it; the supervisor restarts the process afterwards unless told not to. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', opts: { restart?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    if (opts.restart === false) this.stopped = true;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }

  async stop(graceMs = 20_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    if (this.child) await stopProcess(this.child, graceMs);
  }
}
