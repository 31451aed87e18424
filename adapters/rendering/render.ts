import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import type { Moment } from '../../domain/detection/moment';
import { CARD_HEIGHT, CARD_WIDTH, cardTree, chartElements, type CardChart, THEMES } from '../../domain/cards/card';
import { humanUsd, shortAddress } from '../../domain/cards/format';
import { cardPng } from './png-encode';
import { tokenLabel, type CardTokens } from '../../domain/cards/tokens';

// Fonts ship in an npm package: nothing is fetched at render time.
const FONT_DIR = path.join(path.dirname(require.resolve('@fontsource/inter/package.json')), 'files');
let fonts: Array<{ name: string; data: Buffer; weight: 400 | 700 | 800; style: 'normal' }> | undefined;
export function loadFonts() {
  fonts ??= ([400, 700, 800] as const).map((weight) => ({ name: 'Inter', data: readFileSync(path.join(FONT_DIR, `inter-latin-${weight}-normal.woff`)), weight, style: 'normal' as const }));
  return fonts;
}

export interface RenderOptions { chart?: CardChart; publicUrl?: string; tokens?: CardTokens }

export function cardTitle(m: Moment, tokens?: CardTokens): string {
  return `${THEMES[m.kind].label.toLowerCase()}: ${humanUsd(m.missedUsd)} on ${tokenLabel(m.mint, tokens)} (${shortAddress(m.wallet)})`;
}

/** A moment's 1200×630 card: satori lays it out as SVG, resvg rasterises it, tEXt chunks carry its metadata. */
export async function renderCard(m: Moment, o: RenderOptions = {}): Promise<{ png: Buffer; svg: string }> {
  const laidOut = await satori(cardTree(m, o.chart, o.tokens) as any, { width: CARD_WIDTH, height: CARD_HEIGHT, fonts: loadFonts() });
  const chart = chartElements(m, o.chart);
  const svg = chart ? laidOut.replace(/<\/svg>\s*$/, `${chart}</svg>`) : laidOut;
  // satori already turned every glyph into a path: resvg needs no fonts, and scanning the system's costs milliseconds.
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: CARD_WIDTH }, font: { loadSystemFonts: false } }).render();
  return {
    svg,
    png: cardPng(image, {
      Title: cardTitle(m, o.tokens),
      Software: 'OOF',
      'Moment-Id': m.id,
      Wallet: m.wallet,
      ...(o.publicUrl ? { URL: o.publicUrl } : {}),
    }),
  };
}
