import type { Db } from '../../lib/db';
import { cardKeyOf, cardUrl, cardVersion } from '../../domain/cards/card-url';
import type { Moment } from '../../domain/detection/moment';
import { momentFromRow } from '../stores/moments-store';
import type { CardStore } from '../stores/card-store';
import { renderCard, type RenderOptions } from './render';
import type { CardTokenCache } from './card-tokens';

/** `cards/<id>-<version>.png`: a moment that changes (provisional → final, worse numbers) gets a new key and URL. */
export function cardKey(m: Moment): string {
  return cardKeyOf(m.id, cardVersion(m));
}

export interface CardServiceDeps {
  db: Db;
  store: CardStore;
  publicBase?: string;
  /** Where the pixels are made: the gateway passes its worker-thread pool; by default, in this thread. */
  render?: (m: Moment, o: RenderOptions) => Promise<Buffer>;
  /** Symbols and logos from the token registry; without it cards show short mints. */
  tokens?: CardTokenCache;
}

/** Renders and stores cards; used by the activities when moments change and by the gateway on demand. */
export function createCardService({ db, store, publicBase, render: renderPixels, tokens }: CardServiceDeps) {
  const draw = renderPixels ?? (async (m: Moment, o: RenderOptions) => (await renderCard(m, o)).png);
  async function chartFor(m: Moment): Promise<Array<[number, string]>> {
    const at = Date.parse(m.at);
    const rows = await db('price_points').where({ mint: m.mint }).whereBetween('ts', [new Date(at - 86_400_000), new Date(at + 8 * 86_400_000)]).orderBy('ts').select('ts', 'usd');
    return rows.map((r: any) => [+new Date(r.ts), String(r.usd)]);
  }

  async function tokensOf(m: Moment) {
    const e = m.explain as Record<string, unknown>;
    return tokens ? tokens.tokens([m.mint, ...(typeof e.outMint === 'string' ? [e.outMint] : [])]) : undefined;
  }

  // Readers that ask for the same version at once (every stream client opening the card it was just sent) share one
  // render in this process.
  const drawing = new Map<string, Promise<{ key: string; png: Buffer }>>();

  /** Draws and stores this version of the card; `current: false` for an older version, which the row must not name. */
  async function render(m: Moment, o: { current?: boolean } = {}): Promise<{ key: string; png: Buffer }> {
    const key = cardKey(m);
    const flight = `${key}|${o.current !== false}`;
    const inFlight = drawing.get(flight);
    if (inFlight) return inFlight;
    const p = drawAndStore(m, key, o).finally(() => drawing.delete(flight));
    drawing.set(flight, p);
    return p;
  }

  async function drawAndStore(m: Moment, key: string, o: { current?: boolean }): Promise<{ key: string; png: Buffer }> {
    const png = await draw(m, { chart: { points: await chartFor(m) }, tokens: await tokensOf(m), publicUrl: store.publicUrl(key) ?? (publicBase ? cardUrl(m, publicBase) : undefined) });
    await store.put(key, png);
    if (o.current !== false) await db('moments').where({ id: m.id }).update({ card_key: key });
    return { key, png };
  }

  return {
    render,
    /** The key of this version of the moment's card (the version its cardUrl names). */
    keyFor: async (m: Moment) => cardKey(m),
    /**
     * Renders the cards of these moments that are not stored at their current version yet (someone who asked for the
     * card first had the gateway draw it), or all of them with `redraw` (their tokens were registered since: a card
     * drawn before shows short mints); a card that fails is logged by the caller and rendered on demand later.
     */
    async renderMoments(ids: string[], o: { redraw?: boolean } = {}): Promise<{ rendered: number; stored: number; failed: string[] }> {
      const rows = ids.length ? await db('moments').whereIn('id', ids) : [];
      const failed: string[] = [];
      let stored = 0;
      for (const row of rows) {
        const m = momentFromRow(row);
        if (!o.redraw && row.card_key === cardKey(m)) {
          stored++;
          continue;
        }
        try {
          await render(m);
        } catch {
          failed.push(row.id);
        }
      }
      return { rendered: rows.length - failed.length - stored, stored, failed };
    },
  };
}

export type CardService = ReturnType<typeof createCardService>;
