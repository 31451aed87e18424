// A render process of the pool (render-pool.ts): satori and resvg in a process of their own, at a lower priority.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Moment } from '../../domain/detection/moment';
import { renderCard, type RenderOptions } from './render';

export interface RenderRequest { id: number; moment: Moment; options: RenderOptions }
export type RenderReply = { id: number; png: Uint8Array } | { id: number; error: string };

const nice = Number(process.env.OOF_RENDER_NICE ?? 0);
if (nice > 0) {
  // The pool starts this process in a session of its own, so on Linux it has its own scheduler autogroup: the
  // group's nice value is what weighs it against the other processes (a thread's or process's own nice value only
  // counts inside its group, and every process of the stack runs in a group of its own). Raising one's own nice
  // needs no privilege.
  if (process.platform === 'linux') {
    try { writeFileSync('/proc/self/autogroup', String(nice)); } catch { /* no autogroups here: the nice value below counts */ }
  }
  try { os.setPriority(Math.min(19, os.getPriority() + nice)); } catch { /* not permitted: renders at the parent's priority */ }
}

process.on('message', (req: RenderRequest) => {
  const reply = (r: RenderReply) => { if (process.connected) process.send!(r); };
  renderCard(req.moment, req.options).then(
    ({ png }) => reply({ id: req.id, png }),
    (err: unknown) => reply({ id: req.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
// The channel closes when the pool closes it or its process dies (even by SIGKILL): nothing is left to render for.
process.on('disconnect', () => process.exit(0));
