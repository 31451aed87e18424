import type { z } from 'zod';
import { Problem } from './problem';

/** Parses input with a zod schema; a failure becomes a 400 problem listing each bad field. */
export function parseOr400<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  const detail = `invalid ${what}: ` + errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  throw new Problem(400, 'Bad Request', detail, { errors });
}
