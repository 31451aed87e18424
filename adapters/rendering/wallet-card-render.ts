import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import { CARD_HEIGHT, CARD_WIDTH } from '../../domain/cards/card';
import { humanUsd, shortAddress } from '../../domain/cards/format';
import { walletCardTree, walletChartElements, type WalletCardData } from '../../domain/cards/wallet-card';
import { cardPng } from './png-encode';
import { loadFonts } from './render';

/** A wallet's 1200×630 card, drawn the way moment cards are (satori, the chart spliced in, resvg, tEXt metadata). */
export async function renderWalletCard(v: WalletCardData, o: { version: string }): Promise<Buffer> {
  const laidOut = await satori(walletCardTree(v) as any, { width: CARD_WIDTH, height: CARD_HEIGHT, fonts: loadFonts() });
  const chart = walletChartElements(v);
  const svg = chart ? laidOut.replace(/<\/svg>\s*$/, `${chart}</svg>`) : laidOut;
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: CARD_WIDTH }, font: { loadSystemFonts: false } }).render();
  return cardPng(image, {
    Title: `wallet report: ${v.totals.netPnlUsd.startsWith('-') ? '−' : '+'}${humanUsd(v.totals.netPnlUsd.replace(/^-/, ''))} net, OOF score ${v.oof.score} (${v.wallets.map(shortAddress).join(', ')})`,
    Software: 'OOF',
    Wallet: v.wallets.join(','),
    'Card-Version': o.version,
  });
}
