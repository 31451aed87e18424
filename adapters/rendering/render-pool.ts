import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Moment } from '../../domain/detection/moment';
import type { RenderOptions } from './render';
import type { RenderReply, RenderRequest } from './render-process';

/**
 * How much lower than the rest of the stack cards are drawn. A burst of cards must not take the CPU from the API, the
 * streams, the webhook path and the workers' batches beside it; an idle core still draws cards at full speed.
 */
export const RENDER_NICE = 10;

interface Task { req: RenderRequest; resolve(png: Buffer): void; reject(err: Error): void }
interface Renderer { child: ChildProcess; task?: Task }

/**
 * Processes sized to the cores, each with its own warm satori/resvg: a card never blocks the event loop that serves
 * the other routes. Processes, not threads: on Linux each process of the stack runs in a scheduler autogroup of its
 * own, where a thread's nice value only weighs it against its own process's threads — niced render threads still
 * took a full share from the worker and the server (measured: POST → batch done 3.0 s p50 with them, 1.4 s with the
 * renderer's group niced). A render process starts its own session and lowers its group (render-process.ts).
 */
export class RenderPool {
  private readonly renderers: Renderer[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closed = false;

  constructor(private readonly size = os.availableParallelism(), private readonly nice = RENDER_NICE) {
    // One process warm from the start (loading satori, resvg and the fonts takes a second): the first card waits for
    // its drawing only.
    this.spawn();
  }

  render(moment: Moment, options: RenderOptions = {}): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('render pool closed'));
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, moment, options }, resolve, reject });
      this.dispatch();
    });
  }

  /** The pids of the render processes running now (tests read their priority). */
  get pids(): number[] {
    return this.renderers.map((r) => r.child.pid!).filter(Boolean);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error('render pool closed'));
    await Promise.all(this.renderers.splice(0).map((r) => new Promise<void>((resolve) => {
      if (r.child.exitCode !== null || r.child.signalCode !== null) return resolve();
      r.child.once('exit', () => resolve());
      r.child.disconnect();
      setTimeout(() => r.child.kill('SIGKILL'), 5000).unref();
    })));
  }

  private dispatch(): void {
    while (this.queue.length) {
      let r = this.renderers.find((x) => !x.task);
      if (!r && this.renderers.length < Math.max(1, this.size)) r = this.spawn();
      if (!r) return;
      const task = this.queue.shift()!;
      r.task = task;
      r.child.send(task.req);
    }
  }

  private spawn(): Renderer {
    const child = fork(path.join(__dirname, 'render-process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      // A session of its own is a scheduler autogroup of its own (Linux), which the process then lowers.
      detached: true,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, OOF_RENDER_NICE: String(this.nice) },
    });
    const r: Renderer = { child };
    child.on('message', (reply: RenderReply) => {
      const task = r.task;
      if (!task || task.req.id !== reply.id) return;
      r.task = undefined;
      if ('error' in reply) task.reject(new Error(reply.error));
      else task.resolve(Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength));
      this.dispatch();
    });
    child.on('exit', (code, signal) => {
      const i = this.renderers.indexOf(r);
      if (i >= 0) this.renderers.splice(i, 1);
      // A render process that died takes only its own card with it; the next card starts another process.
      r.task?.reject(new Error(`render process exited (${signal ?? code})`));
      r.task = undefined;
      if (!this.closed) this.dispatch();
    });
    child.on('error', () => undefined); // surfaces as 'exit' (or as the failed send's card)
    this.renderers.push(r);
    return r;
  }
}
