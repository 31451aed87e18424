import Router from '@koa/router';
import { z } from 'zod';
import { isSolanaAddress } from '../../lib/solana-address';
import { principalOf, type WalletPolicy } from '../auth/policy';
import { Problem } from '../problem';
import { parseOr400 } from '../validation';

export const walletPrivacyBody = z.object({ private: z.boolean({ error: 'private must be true or false' }) }).strict();

/** A wallet's privacy: its verified owner makes it private (others' analyses refused, their access ended) or public. */
export function walletsRouter(d: { policy: WalletPolicy }): Router {
  const router = new Router();
  const wallet = (raw: string) => {
    if (!isSolanaAddress(raw)) throw new Problem(400, 'Bad Request', `"${raw.slice(0, 64)}" is not a Solana address`);
    return raw;
  };

  router.get('/v1/wallets/:address/privacy', async (ctx) => {
    const w = wallet(ctx.params.address!);
    await d.policy.assertCanReadWallet(principalOf(ctx), w);
    ctx.body = { wallet: w, private: await d.policy.isPrivate(w) };
  });

  router.put('/v1/wallets/:address/privacy', async (ctx) => {
    const w = wallet(ctx.params.address!);
    if (!ctx.is('application/json')) throw new Problem(415, 'Unsupported Media Type', 'send the request body as application/json');
    const body = parseOr400(walletPrivacyBody, (ctx.request as any).body, 'privacy request');
    await d.policy.setPrivate(principalOf(ctx), w, body.private);
    ctx.body = { wallet: w, private: body.private };
  });

  return router;
}
