import type { Context } from 'koa';
import type { Db } from '../../lib/db';
import { Problem } from '../problem';
import type { Principal } from './middleware';

/**
 * Who may do what with a wallet's data: the one place every route asks (docs/architecture.md, "Authorization").
 *
 * - Operators (services, admins, and the development-only anonymous caller) analyse and read every wallet.
 * - A user reads the wallets of their verified credentials (they own them) and, for WALLET_ACCESS_DAYS after their
 *   latest analysis of it, any wallet they analysed, unless its owner made it private.
 * - A private wallet is analysed and read only by its owners and by operators; making it private ends every grant
 *   others held, at once (each read checks the flag, open streams included).
 * - An analysis (its status and stream) belongs to whoever requested it, and to operators.
 */
export interface WalletPolicy {
  /** True when the wallet is among the caller's verified Solana credentials. */
  ownsWallet(p: Principal | undefined, wallet: string): boolean;
  isOperator(p: Principal | undefined): boolean;
  canReadWallet(p: Principal | undefined, wallet: string): Promise<boolean>;
  /** 403 (or `notFound`'s 404, when even the wallet's existence is not the caller's to know) unless readable. */
  assertCanReadWallet(p: Principal | undefined, wallet: string, notFound?: string): Promise<void>;
  /** The subset of `wallets` the caller may read now. */
  readableOf(p: Principal | undefined, wallets: string[]): Promise<Set<string>>;
  /** Every wallet the caller may read, or 'all' for operators. */
  readableWallets(p: Principal | undefined): Promise<Set<string> | 'all'>;
  /** 403 when one of the wallets is private and the caller neither owns it nor operates the service. */
  assertCanAnalyse(p: Principal | undefined, wallets: string[]): Promise<void>;
  /** Records that the caller analysed these wallets (their read access for the next WALLET_ACCESS_DAYS). */
  grantAnalysed(p: Principal | undefined, wallets: string[]): Promise<void>;
  canReadAnalysis(p: Principal | undefined, requestedBy: string | null): boolean;
  isPrivate(wallet: string): Promise<boolean>;
  /** Owner only: makes the wallet private (ending others' grants) or public again. */
  setPrivate(p: Principal | undefined, wallet: string, isPrivate: boolean): Promise<void>;
}

export const principalOf = (ctx: Context): Principal | undefined => ctx.state.principal as Principal | undefined;

export function createWalletPolicy(db: Db, o: { accessDays: number }): WalletPolicy {
  const isOperator = (p: Principal | undefined) => !!p && (p.role === 'service' || p.role === 'admin' || p.role === 'anonymous');
  const ownsWallet = (p: Principal | undefined, wallet: string) => !!p && (p.role === 'user' || p.role === 'admin') && p.wallets.includes(wallet);
  const privateOf = async (wallets: string[]) =>
    new Set((await db('wallet_privacy').whereIn('wallet', wallets).select('wallet')).map((r: { wallet: string }) => r.wallet));

  async function readableOf(p: Principal | undefined, wallets: string[]): Promise<Set<string>> {
    if (!p || wallets.length === 0) return new Set();
    if (isOperator(p)) return new Set(wallets);
    const owned = wallets.filter((w) => ownsWallet(p, w));
    const rest = wallets.filter((w) => !ownsWallet(p, w));
    if (rest.length === 0) return new Set(owned);
    const granted = await db('wallet_access_grants as g')
      .where('g.principal', p.subject).whereIn('g.wallet', rest).where('g.expires_at', '>', db.fn.now())
      .whereNotExists(db('wallet_privacy as v').whereRaw('v.wallet = g.wallet'))
      .select('g.wallet');
    return new Set([...owned, ...granted.map((r: { wallet: string }) => r.wallet)]);
  }

  return {
    ownsWallet,
    isOperator,
    readableOf,
    canReadWallet: async (p, wallet) => (await readableOf(p, [wallet])).has(wallet),
    async assertCanReadWallet(p, wallet, notFound) {
      if ((await readableOf(p, [wallet])).has(wallet)) return;
      if (notFound) throw new Problem(404, 'Not Found', notFound);
      throw new Problem(403, 'Forbidden', `you may read wallet ${wallet} only if it is yours or you analysed it in the last ${o.accessDays} days (and its owner has not made it private)`);
    },
    async readableWallets(p) {
      if (!p) return new Set();
      if (p.role !== 'user') return 'all';
      const granted = await db('wallet_access_grants as g')
        .where('g.principal', p.subject).where('g.expires_at', '>', db.fn.now())
        .whereNotExists(db('wallet_privacy as v').whereRaw('v.wallet = g.wallet'))
        .select('g.wallet');
      return new Set([...p.wallets, ...granted.map((r: { wallet: string }) => r.wallet)]);
    },
    async assertCanAnalyse(p, wallets) {
      if (isOperator(p)) return;
      const refused = [...(await privateOf(wallets))].filter((w) => !ownsWallet(p, w));
      if (refused.length) throw new Problem(403, 'Forbidden', `${refused.join(', ')}: the owner made ${refused.length === 1 ? 'this wallet' : 'these wallets'} private`, { wallets: refused });
    },
    async grantAnalysed(p, wallets) {
      if (!p || p.role !== 'user' || wallets.length === 0) return;
      const expires = db.raw(`now() + make_interval(days => ?)`, [o.accessDays]);
      await db('wallet_access_grants')
        .insert(wallets.map((wallet) => ({ principal: p.subject, wallet, granted_at: db.fn.now(), expires_at: expires })))
        .onConflict(['principal', 'wallet']).merge(['granted_at', 'expires_at']);
    },
    canReadAnalysis: (p, requestedBy) => isOperator(p) || (!!p && requestedBy === p.subject),
    isPrivate: async (wallet) => (await privateOf([wallet])).has(wallet),
    async setPrivate(p, wallet, isPrivate) {
      if (!ownsWallet(p, wallet)) throw new Problem(403, 'Forbidden', `only a verified owner of ${wallet} (a Solana wallet among your Dynamic credentials) may change its privacy`);
      await db.transaction(async (tx) => {
        if (!isPrivate) {
          await tx('wallet_privacy').where({ wallet }).delete();
          return;
        }
        await tx('wallet_privacy').insert({ wallet, set_by: p!.subject, updated_at: tx.fn.now() }).onConflict('wallet').merge(['set_by', 'updated_at']);
        // Others' grants end now, and do not come back if the wallet is made public again.
        await tx('wallet_access_grants').where({ wallet }).whereNot({ principal: p!.subject }).delete();
      });
    },
  };
}
