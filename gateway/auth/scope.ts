import type { Context } from 'koa';
import type { Db } from '../../lib/db';
import type { Principal } from './middleware';

/**
 * The wallets a caller may see: everything for services, admins and the development anonymous caller; for a user,
 * the Solana wallets of their verified credentials plus every wallet they have asked to analyse.
 */
export async function visibleWallets(ctx: Context, db: Db): Promise<Set<string> | undefined> {
  const p = ctx.state.principal as Principal | undefined;
  if (!p || p.role !== 'user') return undefined;
  const analysed = await db('analyses').where({ requested_by: p.subject }).select(db.raw('distinct unnest(wallets) as wallet'));
  return new Set([...p.wallets, ...analysed.map((r: any) => r.wallet as string)]);
}

export function isOwnAnalysis(ctx: Context, requestedBy: string | null): boolean {
  const p = ctx.state.principal as Principal | undefined;
  return !p || p.role !== 'user' || requestedBy === p.subject;
}
