// Runs in a worker thread of the render pool (render-pool.ts): satori and resvg off the gateway's event loop.
import os from 'node:os';
import { isWorkerThread, workerData } from 'piscina';
import type { Moment } from '../../domain/detection/moment';
import { renderCard, type RenderOptions } from './render';

// On Linux a nice value is per thread: this lowers only this render thread, by as much as the pool says (RenderPool),
// from wherever the process already runs. A thread inherits its creator's nice value, so the render path keeps clear
// of anything that would start a shared thread from here (libuv's pool: async fs, async zlib) — renderCard is sync.
if (isWorkerThread && process.platform === 'linux' && typeof workerData?.nice === 'number') {
  try {
    os.setPriority(Math.min(19, os.getPriority() + workerData.nice));
  } catch {
    // Not permitted here: the thread renders at the process's priority.
  }
}

export default async function render(task: { moment: Moment; options: RenderOptions }): Promise<Uint8Array> {
  const { png } = await renderCard(task.moment, task.options);
  return png;
}
