import type { Context } from 'koa';
import type { Db } from '../../lib/db';
import { visibleWallets } from '../auth/scope';
import type { Principal } from '../auth/middleware';

/**
 * The wallets of `wanted` this caller may not have alerts for — the one question alerts ask of authorization, asked
 * in one call so the central policy can take it over.
 */
export async function walletsNotAllowed(ctx: Context, db: Db, wanted: string[]): Promise<string[]> {
  const visible = await visibleWallets(ctx, db);
  return visible ? wanted.filter((w) => !visible.has(w)) : [];
}

/** Who owns what this caller creates: users by their Dynamic id, services by their service id. */
export function ownerOf(ctx: Context): string {
  const p = ctx.state.principal as Principal | undefined;
  if (!p || p.role === 'anonymous') return 'anonymous';
  return `${p.role === 'service' ? 'service' : 'user'}:${p.subject}`;
}
