import type { Context } from 'koa';
import { Problem } from '../problem';

/**
 * The request body as UTF-8 text, refused with 413 as soon as it passes maxBytes (declared or streamed). The rest of
 * an oversized body is read and dropped rather than cut off: destroying the socket mid-upload makes the client see a
 * connection reset instead of the 413 (the server's requestTimeout still bounds how long that may take).
 */
export async function readBodyText(ctx: Context, maxBytes: number): Promise<string> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > maxBytes) throw tooLarge(ctx, `the body is ${declared} bytes; the limit is ${maxBytes}`);
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn: false, so leaving the loop early does not destroy the request (and with it the socket).
  for await (const chunk of ctx.req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge(ctx, `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function tooLarge(ctx: Context, detail: string): Problem {
  ctx.req.resume();
  return new Problem(413, 'Payload Too Large', detail);
}
