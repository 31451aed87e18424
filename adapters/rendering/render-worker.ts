// Runs in a worker thread of the render pool (render-pool.ts): satori and resvg off the gateway's event loop.
import os from 'node:os';
import { isWorkerThread, workerData } from 'piscina';
import type { Moment } from '../../domain/detection/moment';
import { renderCard, type RenderOptions } from './render';

// On Linux a nice value is per thread: this lowers only this render thread (the pool says how far, see RenderPool).
if (isWorkerThread && process.platform === 'linux' && typeof workerData?.nice === 'number') {
  try {
    os.setPriority(workerData.nice);
  } catch {
    // Not permitted here: the thread renders at the process's priority.
  }
}

export default async function render(task: { moment: Moment; options: RenderOptions }): Promise<Uint8Array> {
  const { png } = await renderCard(task.moment, task.options);
  return png;
}
