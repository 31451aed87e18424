import Router from '@koa/router';
import { cardVersion, type CardService } from '../../adapters/rendering/card-service';
import { CARD_CACHE_CONTROL, type CardStore } from '../../adapters/stores/card-store';
import { momentFromRow } from '../../adapters/stores/moments-store';
import type { Db } from '../../lib/db';
import { Problem } from '../problem';
import type { WalletPolicy } from '../auth/policy';

export interface CardsDeps { db: Db; store: CardStore; cards: CardService; /** Cards of private wallets are not served. */ policy?: Pick<WalletPolicy, 'isPrivate'> }

/**
 * GET /v1/cards/moment/:id.png — public and shareable. The card of the moment's current version: from the store,
 * rendered on demand when missing, or a redirect to the bucket's public URL when one is configured. The version in
 * the key is the ETag, so a changed moment is a new card and an unchanged one answers 304.
 */
export function cardsRouter(d: CardsDeps): Router {
  const router = new Router();
  router.get('/v1/cards/moment/:file', async (ctx) => {
    const m = /^([0-9A-HJKMNP-TV-Z]{26})\.png$/.exec(ctx.params.file ?? '');
    if (!m) throw new Problem(400, 'Bad Request', `"${String(ctx.params.file).slice(0, 64)}" is not <moment id>.png (a 26-character ULID)`);
    const row = await d.db('moments').where({ id: m[1] }).first();
    if (!row || (await d.policy?.isPrivate(row.wallet))) throw new Problem(404, 'Not Found', `no moment ${m[1]}`);
    const moment = momentFromRow(row);
    const key = await d.cards.keyFor(moment);
    const etag = `"${cardVersion(key)}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', CARD_CACHE_CONTROL);
    if (ctx.get('if-none-match') === etag) {
      ctx.status = 304;
      return;
    }
    let png = row.card_key === key ? await d.store.get(key) : undefined;
    if (!png) png = (await d.cards.render(moment)).png;
    const publicUrl = d.store.publicUrl(key);
    if (publicUrl) {
      ctx.status = 302;
      ctx.redirect(publicUrl);
      return;
    }
    ctx.type = 'image/png';
    ctx.body = png;
  });
  return router;
}
