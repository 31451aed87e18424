import Router from '@koa/router';
import type { Context } from 'koa';
import { cardKey, type CardService } from '../../adapters/rendering/card-service';
import { CARD_CACHE_CONTROL, CARD_LATEST_CACHE_CONTROL, type CardStore } from '../../adapters/stores/card-store';
import { momentFromRow } from '../../adapters/stores/moments-store';
import { cardVersion, parseCardFile } from '../../domain/cards/card-url';
import type { Moment } from '../../domain/detection/moment';
import type { Db } from '../../lib/db';
import { Problem } from '../problem';
import type { WalletPolicy } from '../auth/policy';

export interface CardsDeps { db: Db; store: CardStore; cards: CardService; /** Cards of private wallets are not served. */ policy?: Pick<WalletPolicy, 'isPrivate'> }

const matches = (ctx: Context, etag: string) => ctx.get('if-none-match').split(',').some((t) => t.trim() === etag || t.trim() === '*');

/**
 * GET /v1/cards/moment/:id-:version.png — one version of a moment's card, public and shareable. Its bytes never
 * change, so it is served `immutable`: from the store, drawn on demand when missing (an older version from the outbox
 * event that announced it), or a redirect to the bucket's public URL when one is configured.
 * GET /v1/cards/moment/:id.png — the newest version: a short-lived redirect to it, revalidated by ETag (the version),
 * so a provisional moment that changes is never shown stale.
 */
export function cardsRouter(d: CardsDeps): Router {
  const router = new Router();

  /** A version this moment had before: the moment as the outbox event that announced that version carried it. */
  async function pastVersion(id: string, version: string): Promise<Moment | undefined> {
    const events = await d.db('moment_events').where({ moment_id: id }).orderBy('id', 'desc').select('payload');
    const e = events.find((r: any) => r.payload && cardVersion(r.payload) === version);
    return e && { ...e.payload, cardUrl: undefined };
  }

  router.get('/v1/cards/moment/:file', async (ctx) => {
    const file = parseCardFile(ctx.params.file ?? '');
    if (!file) throw new Problem(400, 'Bad Request', `"${String(ctx.params.file).slice(0, 64)}" is not <moment id>-<version>.png or <moment id>.png (a 26-character ULID)`);
    const row = await d.db('moments').where({ id: file.id }).first();
    if (!row || (await d.policy?.isPrivate(row.wallet))) throw new Problem(404, 'Not Found', `no moment ${file.id}`);
    const current = momentFromRow(row);
    const newest = cardVersion(current);
    const toNewest = () => {
      ctx.set('ETag', `"${newest}"`);
      ctx.set('Cache-Control', CARD_LATEST_CACHE_CONTROL);
      if (matches(ctx, `"${newest}"`)) ctx.status = 304;
      else ctx.redirect(current.cardUrl!);
    };
    if (!file.version) return toNewest();
    const isCurrent = file.version === newest;
    const moment = isCurrent ? current : await pastVersion(file.id, file.version);
    // A version this moment never had (or one pruned from the outbox and the store): not ours to make immutable.
    if (!moment) return toNewest();
    const key = cardKey(moment);
    const etag = `"${file.version}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', CARD_CACHE_CONTROL);
    if (matches(ctx, etag)) {
      ctx.status = 304;
      return;
    }
    const publicUrl = d.store.publicUrl(key);
    const stored = isCurrent && row.card_key === key;
    if (publicUrl && stored) return ctx.redirect(publicUrl);
    let png = stored || !isCurrent ? await d.store.get(key) : undefined;
    if (!png) png = (await d.cards.render(moment, { current: isCurrent })).png;
    if (publicUrl) return ctx.redirect(publicUrl);
    ctx.type = 'image/png';
    ctx.body = png;
  });
  return router;
}
