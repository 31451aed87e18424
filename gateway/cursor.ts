import { createHmac, timingSafeEqual } from 'node:crypto';
import { Problem } from './problem';

/** Opaque, tamper-evident pagination cursors: the position, signed with the app secret. */
export function encodeCursor(secret: string, position: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(position)).toString('base64url');
  const sig = createHmac('sha256', secret).update(body).digest('base64url').slice(0, 22);
  return `${body}.${sig}`;
}

export function decodeCursor<T>(secret: string, cursor: string): T {
  const [body, sig] = cursor.split('.');
  const bad = () => new Problem(400, 'Bad Request', 'the cursor is not one this API issued (use the nextCursor of a previous page)');
  if (!body || !sig) throw bad();
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('base64url').slice(0, 22));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad();
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    throw bad();
  }
}
