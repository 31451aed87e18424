import type { Context } from 'koa';
import type { Principal } from '../auth/middleware';
import { principalOf, type WalletPolicy } from '../auth/policy';

/**
 * The wallets of `wanted` this caller may not have alerts for: those the central policy (gateway/auth/policy.ts)
 * does not let them read.
 */
export async function walletsNotAllowed(ctx: Context, policy: WalletPolicy, wanted: string[]): Promise<string[]> {
  const readable = await policy.readableOf(principalOf(ctx), wanted);
  return wanted.filter((w) => !readable.has(w));
}

/** Who owns what this caller creates: users by their Dynamic id, services by their service id. */
export function ownerOf(ctx: Context): string {
  const p = ctx.state.principal as Principal | undefined;
  if (!p || p.role === 'anonymous') return 'anonymous';
  return `${p.role === 'service' ? 'service' : 'user'}:${p.subject}`;
}
