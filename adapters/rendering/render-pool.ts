import os from 'node:os';
import path from 'node:path';
import Piscina from 'piscina';
import type { Moment } from '../../domain/detection/moment';
import type { RenderOptions } from './render';

/**
 * Card threads yield to the event loop they were moved off: with as many render threads as cores, a burst of cards
 * would otherwise take the CPU from the API, the streams and the webhook path beside them (the scheduler's weighting:
 * an idle core still draws cards at full speed). Linux only, where a nice value is per thread (elsewhere it would
 * lower the whole process). Added to the process's own nice value.
 */
export const RENDER_THREAD_NICE = 10;

/**
 * A pool of worker threads sized to the cores, each with its own warm satori/resvg: rendering a card never blocks the
 * event loop that serves the other routes. The worker is TypeScript, loaded through tsx like the rest of the process.
 */
export class RenderPool {
  private readonly pool: Piscina;
  constructor(threads = os.availableParallelism()) {
    this.pool = new Piscina({
      filename: path.join(__dirname, 'render-worker.ts'),
      minThreads: 1,
      maxThreads: Math.max(1, threads),
      execArgv: ['--import', 'tsx'],
      workerData: { nice: RENDER_THREAD_NICE },
      idleTimeout: 60_000,
    });
  }

  async render(moment: Moment, options: RenderOptions = {}): Promise<Buffer> {
    const bytes: Uint8Array = await this.pool.run({ moment, options });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
