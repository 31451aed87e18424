import type { Context } from 'koa';
import { Problem } from '../problem';

/** The request body as UTF-8 text, refused with 413 as soon as it passes maxBytes (declared or streamed). */
export async function readBodyText(ctx: Context, maxBytes: number): Promise<string> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > maxBytes) throw new Problem(413, 'Payload Too Large', `the body is ${declared} bytes; the limit is ${maxBytes}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      ctx.req.destroy();
      throw new Problem(413, 'Payload Too Large', `the body is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
