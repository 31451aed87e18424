import Router from '@koa/router';
import type { Db } from '../../lib/db';
import { isSolanaAddress } from '../../lib/solana-address';
import { tokenRow } from '../../adapters/stores/token-store';
import type { LogoStore } from '../../adapters/tokens/logo-store';
import { tokenView } from '../../domain/tokens/token';
import { Problem } from '../problem';

export interface TokensDeps { db: Db; logos: LogoStore }

function mintOr400(raw: string | undefined): string {
  const mint = raw ?? '';
  if (!isSolanaAddress(mint)) throw new Problem(400, 'Bad Request', `"${mint.slice(0, 64)}" is not a mint address (base58, 32 bytes)`);
  return mint;
}

/** GET /v1/tokens/:mint — what the registry knows of a mint; a mint it has not seen degrades, it is no error. */
export function tokensRouter(d: TokensDeps): Router {
  const router = new Router();
  router.get('/v1/tokens/:mint', async (ctx) => {
    const mint = mintOr400(ctx.params.mint);
    const r = await tokenRow(d.db, mint);
    ctx.body = {
      mint, ...tokenView(mint, r), known: Boolean(r),
      decimals: r?.decimals ?? null, tokenProgram: r?.tokenProgram ?? null, tags: r?.tags ?? [], organicScore: r?.organicScore ?? null,
      hasMarket: r?.hasMarket ?? null, source: r?.source ?? 'none', firstSeen: r?.firstSeen ?? null, fetchedAt: r?.fetchedAt ?? null,
    };
  });
  return router;
}

/**
 * GET /v1/tokens/:mint/logo.png — public like the cards (an <img> sends no credentials): the stored, resized logo or
 * the mint's identicon. Cached for a day: a refreshed logo is seen within one.
 */
export function tokenLogoRouter(d: TokensDeps): Router {
  const router = new Router();
  router.get('/v1/tokens/:mint/logo.png', async (ctx) => {
    const mint = mintOr400(ctx.params.mint);
    const r = await tokenRow(d.db, mint);
    const { png, identicon } = await d.logos.get(mint, r?.logoKey);
    ctx.set('Cache-Control', identicon ? 'public, max-age=3600' : 'public, max-age=86400');
    ctx.type = 'image/png';
    ctx.body = png;
  });
  return router;
}
