// Runs in a worker thread of the render pool (render-pool.ts): satori and resvg off the gateway's event loop.
import type { Moment } from '../../domain/detection/moment';
import { renderCard, type RenderOptions } from './render';

export default async function render(task: { moment: Moment; options: RenderOptions }): Promise<Uint8Array> {
  const { png } = await renderCard(task.moment, task.options);
  return png;
}
