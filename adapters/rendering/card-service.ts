import { createHash } from 'node:crypto';
import type { Db } from '../../lib/db';
import type { Moment } from '../../domain/detection/moment';
import { momentFromRow } from '../stores/moments-store';
import type { CardStore } from '../stores/card-store';
import { renderCard, type RenderOptions } from './render';
import type { CardTokenCache } from './card-tokens';

/**
 * `cards/<id>-<version>.png`: a moment that changes (provisional → final, worse numbers) gets a new URL, and so does one
 * whose token the registry named or gave a logo since (`tokenTag`), so no card keeps a short mint forever.
 */
export function cardKey(m: Moment, tokenTag = ''): string {
  const version = createHash('sha256').update([m.status, m.at, m.pct, m.missedUsd, m.severity].join('|') + (tokenTag ? `|${tokenTag}` : '')).digest('hex').slice(0, 10);
  return `cards/${m.id}-${version}.png`;
}

export const cardVersion = (key: string) => key.replace(/^cards\/[^-]+-/, '').replace(/\.png$/, '');

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
  const keyWith = (m: Moment, t: Awaited<ReturnType<typeof tokensOf>>) => cardKey(m, t && tokens ? tokens.tag(t) : '');

  async function render(m: Moment): Promise<{ key: string; png: Buffer }> {
    const cardTokens = await tokensOf(m);
    const key = keyWith(m, cardTokens);
    const png = await draw(m, { chart: { points: await chartFor(m) }, tokens: cardTokens, publicUrl: store.publicUrl(key) ?? (publicBase ? `${publicBase}/v1/cards/moment/${m.id}.png` : undefined) });
    await store.put(key, png);
    await db('moments').where({ id: m.id }).update({ card_key: key });
    return { key, png };
  }

  return {
    render,
    /** The key the moment's card has now (its numbers and its tokens' names and logos). */
    keyFor: async (m: Moment) => keyWith(m, await tokensOf(m)),
    /** Renders the cards of these moments; a card that fails is logged by the caller and rendered on demand later. */
    async renderMoments(ids: string[]): Promise<{ rendered: number; failed: string[] }> {
      const rows = ids.length ? await db('moments').whereIn('id', ids) : [];
      const failed: string[] = [];
      for (const row of rows) {
        try {
          await render(momentFromRow(row));
        } catch {
          failed.push(row.id);
        }
      }
      return { rendered: rows.length - failed.length, failed };
    },
  };
}

export type CardService = ReturnType<typeof createCardService>;
