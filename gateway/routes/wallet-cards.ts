import Router from '@koa/router';
import { renderWalletCard } from '../../adapters/rendering/wallet-card-render';
import { CARD_CACHE_CONTROL, CARD_LATEST_CACHE_CONTROL, type CardStore } from '../../adapters/stores/card-store';
import { CARD_HEIGHT, CARD_WIDTH } from '../../domain/cards/card';
import { humanUsd, shortAddress } from '../../domain/cards/format';
import { worstLine } from '../../domain/cards/wallet-card';
import { D } from '../../domain/money';
import { parseWalletCardFile, walletCardUrl, walletSharePath, type WalletReportView } from '../../domain/report/view';
import { isSolanaAddress } from '../../lib/solana-address';
import { Problem } from '../problem';
import type { ReportResolver } from '../reports/report-resolver';
import { intentLinks, renderSharePage, type SharePage } from '../share/share-page';

export interface WalletCardsDeps { store: CardStore; resolver: ReportResolver; isPrivate: (wallet: string) => Promise<boolean>; publicBaseUrl?: string; cardOrigin?: string }

// The card store keeps one flat namespace of cards (moment ids are ULIDs, so no wallet key can meet one).
const cardKey = (wallet: string, version: string) => `cards/wallet-${wallet}-${version}.png`;
const signed = (v: string) => `${new D(v).isNegative() ? '−' : '+'}${humanUsd(new D(v).abs().toFixed())}`;

/** A wallet's report as its share page: the versioned card, the totals in words, intent links. */
export function walletSharePage(v: WalletReportView, base: string): SharePage {
  const wallet = v.wallets[0]!;
  const canonicalUrl = `${base}${walletSharePath(wallet)}`;
  const title = `${shortAddress(wallet)}: ${signed(v.totals.netPnlUsd)} net, OOF score ${v.oof.score}`;
  const description = `${humanUsd(v.oof.missedUsd)} missed in ${v.oof.moments} OOF moment${v.oof.moments === 1 ? '' : 's'} on ${humanUsd(v.totals.volumeUsd)} traded. ${worstLine(v)}.`;
  return {
    canonicalUrl, title, description,
    image: { url: walletCardUrl(wallet, v.card!.version, base), width: CARD_WIDTH, height: CARD_HEIGHT, alt: `OOF wallet card — ${title}. ${description}` },
    story: [description, 'FIFO cost basis over the wallet\'s whole stored history; realized PnL after fees, unrealized at the latest price.'],
    facts: [
      ['Wallet', shortAddress(wallet)], ['Net PnL', signed(v.totals.netPnlUsd)], ['Realized', signed(v.totals.realizedPnlUsd)],
      ['Unrealized', signed(v.totals.unrealizedPnlUsd)], ['Fees', humanUsd(v.totals.feesUsd)], ['Volume', humanUsd(v.totals.volumeUsd)],
      ['Win rate', v.totals.winRate === null ? '–' : `${Math.round(Number(v.totals.winRate) * 100)}%`], ['OOF score', `${v.oof.score} / 100`], ['Missed', humanUsd(v.oof.missedUsd)],
    ],
    shareLinks: intentLinks(canonicalUrl, `${title} — found by OOF`),
    button: { title: 'See the OOF', appName: 'OOF' },
    cta: { label: 'Find your own wallet\'s OOF moments', href: `${base}/` },
    stylesheet: '/ui/app.css',
  };
}

/**
 * GET /v1/cards/wallet/:address-:version.png (immutable), /v1/cards/wallet/:address.png (a short redirect to the newest)
 * and GET /w/:address, the share page. Public like moment cards; a private wallet has none.
 */
export function walletCardsRouter(d: WalletCardsDeps): Router {
  const router = new Router();
  const current = async (wallet: string): Promise<WalletReportView> => {
    if (await d.isPrivate(wallet)) throw new Problem(404, 'Not Found', `no wallet card for ${wallet}`);
    return JSON.parse((await d.resolver.resolve({ wallets: [wallet] })).body) as WalletReportView;
  };

  router.get('/v1/cards/wallet/:file', async (ctx) => {
    const file = parseWalletCardFile(ctx.params.file ?? '');
    if (!file) throw new Problem(400, 'Bad Request', `"${String(ctx.params.file).slice(0, 64)}" is not <address>-<version>.png or <address>.png`);
    const view = await current(file.wallet);
    const version = view.card!.version;
    if (file.version !== version) {
      // An older version still in the store is served as it was; otherwise the newest.
      const old = file.version ? await d.store.get(cardKey(file.wallet, file.version)) : undefined;
      if (old) {
        ctx.set('Cache-Control', CARD_CACHE_CONTROL);
        ctx.type = 'image/png';
        ctx.body = old;
        return;
      }
      ctx.set('Cache-Control', CARD_LATEST_CACHE_CONTROL);
      ctx.set('ETag', `"${version}"`);
      return ctx.redirect(walletCardUrl(file.wallet, version));
    }
    const key = cardKey(file.wallet, version);
    let png = await d.store.get(key);
    if (!png) {
      png = await renderWalletCard(view, { version });
      await d.store.put(key, png);
    }
    ctx.set('Cache-Control', CARD_CACHE_CONTROL);
    ctx.set('ETag', `"${version}"`);
    ctx.type = 'image/png';
    ctx.body = png;
  });

  const csp = ["default-src 'none'", "style-src 'self'", `img-src 'self' data: ${d.cardOrigin ?? ''}`.trim(), "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');
  router.get('/w/:address', async (ctx) => {
    const wallet = ctx.params.address!;
    if (!isSolanaAddress(wallet)) throw new Problem(400, 'Bad Request', `"${wallet.slice(0, 64)}" is not a Solana address`);
    const view = await current(wallet);
    ctx.set('Content-Security-Policy', csp);
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderSharePage(walletSharePage(view, d.publicBaseUrl ?? `${ctx.protocol}://${ctx.host}`));
  });
  return router;
}
