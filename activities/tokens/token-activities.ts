import type { Db } from '../../lib/db';
import type { RegisterResult, TokenRegistry } from '../../adapters/tokens/registry';
import { walletMints } from '../../adapters/stores/token-store';
import { heartbeatIfActivity } from '../heartbeat';

export interface TokenActivityDeps {
  db: Db;
  /** The token registry; without one (no source configured) mints keep their short form. */
  tokens?: TokenRegistry;
}

export type RegisterTokensResult = RegisterResult & { configured: boolean };
const NONE: RegisterTokensResult = { configured: false, asked: 0, fetched: 0, logos: 0, sources: {} };

export function createTokenActivities({ db, tokens }: TokenActivityDeps) {
  return {
    /** Registers every mint a wallet's history names that the registry lacks (or holds a stale row for). Idempotent. */
    async registerWalletTokens(wallet: string): Promise<RegisterTokensResult> {
      if (!tokens) return NONE;
      heartbeatIfActivity();
      return { configured: true, ...(await tokens.register(await walletMints(db, wallet))) };
    },

    /** Registers these mints (webhook batches, price refresh), in batches. Idempotent. */
    async registerTokens(mints: string[]): Promise<RegisterTokensResult> {
      if (!tokens) return NONE;
      return { configured: true, ...(await tokens.register(mints)) };
    },

    /**
     * The rare refresh (run beside the price refresh): rows older than the refresh age, and mints named by recent
     * actions that never made it into the registry (a source was down), a bounded number per run.
     */
    async refreshTokens(limit = 200): Promise<RegisterTokensResult> {
      if (!tokens) return NONE;
      const missing = await db.raw(
        `select distinct m.mint from (select received_mint as mint from actions where block_time > now() - interval '7 days'
                                       union select sent_mint from actions where block_time > now() - interval '7 days') m
          where m.mint is not null and not exists (select 1 from tokens t where t.mint = m.mint) limit ?`,
        [limit],
      );
      const stale = await db('tokens').where('fetched_at', '<', new Date(Date.now() - tokens.refreshAfterMs)).orderBy('fetched_at').limit(limit).pluck('mint');
      return { configured: true, ...(await tokens.register([...missing.rows.map((r: any) => r.mint), ...stale])) };
    },
  };
}
