import { PassThrough } from 'node:stream';
import type { Context } from 'koa';

export interface SseStream {
  send(event: string, data: unknown, id?: number | string): boolean;
  /** A frame already serialised (one serialisation shared by every client). */
  sendFrame(frame: string): boolean;
  /** Resolves once what was written has gone out (or the stream closed): a catch-up waits here between writes. */
  drained(): Promise<void>;
  comment(text: string): void;
  close(): void;
  readonly closed: boolean;
  onClose(fn: () => void): void;
}

/** The open streams of one process, so a shutdown can end them at once instead of waiting out its grace period. */
export class SseHub {
  private readonly open = new Set<SseStream & { shutdown(retryMs: number): void }>();
  get size(): number { return this.open.size; }
  add(s: SseStream & { shutdown(retryMs: number): void }): void {
    this.open.add(s);
    s.onClose(() => this.open.delete(s));
  }
  /** Tells every client to reconnect after about retryMs (to another replica, or this one restarted), then ends them. */
  closeAll(retryMs = 1000): void {
    for (const s of [...this.open]) s.shutdown(retryMs);
  }
}

/**
 * Turns a Koa response into a Server-Sent Events stream: `retry:` first, heartbeat comments, and a client that reads
 * too slowly (more than maxBufferedBytes waiting) is dropped so it cannot slow anyone else down.
 */
export function openSse(ctx: Context, o: { retryMs?: number; heartbeatMs?: number; maxBufferedBytes?: number; hub?: SseHub } = {}): SseStream {
  const stream = new PassThrough();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setKeepAlive(true);
  ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  ctx.status = 200;
  ctx.body = stream;
  let closed = false;
  const closers: Array<() => void> = [];
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(beat);
    stream.end();
    for (const fn of closers) fn();
  };
  const limit = o.maxBufferedBytes ?? 1 << 20;
  const write = (text: string) => {
    if (closed) return false;
    if (stream.writableLength > limit) {
      // A slow client is cut off at once (ending politely would wait on the very buffers it does not drain); it
      // reconnects with Last-Event-ID and misses nothing.
      close();
      ctx.req.socket.destroy();
      return false;
    }
    return stream.write(text);
  };
  stream.write(`retry: ${o.retryMs ?? 3000}\n\n`);
  const beat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), o.heartbeatMs ?? 15_000);
  beat.unref();
  ctx.req.on('close', close);
  const sse = {
    /** `retry:` then the end of the stream, and of its connection (a closing server keeps no idle sockets). */
    shutdown: (retryMs: number) => {
      write(`retry: ${Math.round(retryMs)}\n\n`);
      ctx.res.once('finish', () => ctx.req.socket.end());
      close();
    },
    send: (event: string, data: unknown, id?: number | string) => write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    sendFrame: (frame: string) => write(frame),
    drained: () => (closed || stream.writableLength === 0 ? Promise.resolve() : new Promise<void>((resolve) => {
      stream.once('drain', resolve);
      closers.push(resolve);
    })),
    comment: (text: string) => void write(`: ${text}\n\n`),
    close,
    get closed() { return closed; },
    onClose: (fn: () => void) => void closers.push(fn),
  };
  o.hub?.add(sse);
  return sse;
}
