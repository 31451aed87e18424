/// <reference lib="dom" />
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import type { Browser } from 'playwright-core';
import { DiskCardStore } from '../../adapters/stores/card-store';
import { cardUrl } from '../../domain/cards/card-url';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { upsertTokens } from '../../adapters/stores/token-store';
import { momentId, type Moment } from '../../domain/detection/moment';
import { launchChromium } from '../helpers/chromium';
import { testConfig, useDbAndTemporal } from '../helpers/env';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const WIF = 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm';

/** Every <meta> of a page, by property or name (what an unfurler reads), and the canonical link. */
function metaOf(html: string): { meta: Record<string, string>; canonical?: string; title?: string } {
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const meta: Record<string, string> = {};
  for (const m of html.matchAll(/<meta\s+(?:property|name)="([^"]+)"\s+content="([^"]*)">/g)) meta[m[1]!] = unescape(m[2]!);
  return { meta, canonical: /<link rel="canonical" href="([^"]+)">/.exec(html)?.[1], title: /<title>([^<]*)<\/title>/.exec(html)?.[1] };
}

function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('share pages at /m/:id and the web page\'s share and alert controls', () => {
  const t = useDbAndTemporal();
  const store = new DiskCardStore(mkdtempSync(path.join(os.tmpdir(), 'oof-share-cards-')));
  let gw: TestGateway;
  let browser: Browser;
  const wallet = bs58.encode(randomBytes(32));
  const m: Moment = {
    id: momentId(Date.parse('2024-03-26T10:00:00Z'), wallet, 'S2E', WIF, 'shareSig1'), kind: 'S2E', wallet, mint: WIF, signature: 'shareSig1',
    at: '2024-03-26T10:00:00Z', pct: '0.795', missedUsd: '2134.56', severity: '1.0000', status: 'final',
    explain: { tradePrice: '2.684', peakPrice: '4.82', peakAt: '2024-03-31T00:00:00Z', quantity: '1000', windowDays: 7, priceSource: 'birdeye' },
  };

  beforeAll(async () => {
    // The registry names the token (the page reads it like the API and the cards do).
    await upsertTokens(t.db, [{ mint: WIF, symbol: 'WIF', name: 'dogwifhat', verified: true, tags: ['verified'], source: 'jupiter' }]);
    await upsertMoments(t.db, [m]);
    gw = await startTestGateway(testConfig(), t.db, t.client, undefined, store);
    browser = await launchChromium();
  }, 60_000);
  t.beforeClose(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('unfurls: Open Graph, Twitter and Farcaster meta name the versioned 1200×630 card, and that URL serves the PNG', async () => {
    const res = await fetch(`${gw.url}/m/${m.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'/);
    const { meta, canonical, title } = metaOf(await res.text());
    const page = `${gw.url}/m/${m.id}`;
    const card = cardUrl(m, gw.url);
    expect(canonical).toBe(page);
    expect(title).toBe('Sold too early: $2.1K missed on WIF');
    expect(meta).toMatchObject({
      'og:type': 'website', 'og:url': page, 'og:title': 'Sold too early: $2.1K missed on WIF', 'og:image': card, 'og:image:type': 'image/png',
      'og:image:width': '1200', 'og:image:height': '630', 'twitter:card': 'summary_large_image', 'twitter:image': card, 'twitter:title': meta['og:title'],
    });
    // The description is the card's own explanation.
    expect(meta['og:description']).toBe('Sold 1,000 WIF at $2.68 · it hit $4.82 by 31 Mar 2024. Final.');
    expect(meta['twitter:description']).toBe(meta['og:description']);
    expect(JSON.parse(meta['fc:miniapp']!)).toEqual({ version: '1', imageUrl: card, button: { title: 'See the OOF', action: { type: 'launch_miniapp', name: 'OOF', url: page } } });
    expect(JSON.parse(meta['fc:frame']!)).toMatchObject({ version: '1', imageUrl: card, button: { action: { type: 'launch_frame', url: page } } });
    const png = await fetch(card);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(pngSize(Buffer.from(await png.arrayBuffer()))).toEqual([1200, 630]);
    expect((await fetch(`${gw.url}/m/01HZZZZZZZZZZZZZZZZZZZZZZZ`)).status).toBe(404);
    expect((await fetch(`${gw.url}/m/nope`)).headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('shows a person who clicks through the card with its story, under its own CSP, in headless Chromium', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (c) => { if (c.type() === 'error') errors.push(c.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gw.url}/m/${m.id}`);
    await page.waitForFunction(() => (document.querySelector('img.share-card') as HTMLImageElement | null)?.complete);
    const view = await page.evaluate(() => ({
      h1: document.querySelector('h1')!.textContent,
      card: [(document.querySelector('img.share-card') as HTMLImageElement).naturalWidth, (document.querySelector('img.share-card') as HTMLImageElement).naturalHeight],
      alt: document.querySelector('img.share-card')!.getAttribute('alt'),
      story: [...document.querySelectorAll('main > p')].map((p) => p.textContent),
      facts: Object.fromEntries([...document.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling!.textContent])),
      links: [...document.querySelectorAll('.share-links a')].map((a) => (a as HTMLAnchorElement).href),
      ogImage: document.querySelector('meta[property="og:image"]')!.getAttribute('content'),
      stylesheetApplied: getComputedStyle(document.documentElement).backgroundColor,
    }));
    expect(view.h1).toBe('Sold too early: $2.1K missed on WIF');
    expect(view.card).toEqual([1200, 630]);
    expect(view.alt).toMatch(/^OOF card — Sold too early/);
    expect(view.story[0]).toBe('Sold 1,000 WIF at $2.68 · it hit $4.82 by 31 Mar 2024.');
    expect(view.facts).toMatchObject({ What: 'Sold too early', Token: 'WIF', Missed: '$2.1K', Move: '+80%', Status: 'final' });
    expect(view.links[0]).toMatch(/^https:\/\/x\.com\/intent\/post\?text=.+&url=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fm%2F/);
    expect(view.links[1]).toMatch(/^https:\/\/farcaster\.xyz\/~\/compose\?text=.+&embeds%5B%5D=http%3A%2F%2F127\.0\.0\.1/);
    expect(view.ogImage).toBe(cardUrl(m, gw.url));
    expect(view.stylesheetApplied).toBe('rgb(15, 17, 21)');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('adds a destination from the web page form and shows the signing secret once', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gw.url}/`);
    await page.selectOption('#dest-kind', 'telegram');
    expect(await page.isVisible('#dest-bot-token')).toBe(true);
    expect(await page.isVisible('#dest-url')).toBe(false);
    await page.selectOption('#dest-kind', 'webhook');
    await page.fill('#dest-url', 'http://127.0.0.1:9/from-the-page');
    await page.click('#dest-add');
    await page.waitForFunction(() => document.getElementById('dest-error')!.textContent!.length > 0);
    expect(await page.textContent('#dest-error')).toBe('Name at least one wallet.');
    await page.fill('#dest-wallets', wallet);
    await page.uncheck('#dest-kinds input[value="IdleYield"]');
    await page.selectOption('#dest-statuses', 'final');
    await page.click('#dest-add');
    await page.waitForFunction(() => document.querySelectorAll('#destinations li').length > 0 && document.getElementById('dest-secret')!.textContent!.length > 0);
    const secret = await page.textContent('#dest-secret code');
    expect(secret).toMatch(/^whsec_/);
    const created = await t.db('alert_destinations').where({ owner: 'anonymous' }).whereRaw('? = any(wallets)', [wallet]).first();
    expect(created).toMatchObject({ kind: 'webhook', kinds: ['S2E', 'BHD', 'BadRoute'], statuses: ['final'], state: 'active' });
    expect(await page.textContent(`#destinations li[data-destination-id="${created.id}"]`)).toContain('http://127.0.0.1:9/… · 1 wallet · active');
    await page.click(`#destinations li[data-destination-id="${created.id}"] button`);
    await page.waitForFunction((id) => !document.querySelector(`#destinations li[data-destination-id="${id}"]`), created.id);
    expect((await t.db('alert_destinations').where({ id: created.id }).first()).state).toBe('deleted');
    expect(errors).toEqual([]);
    await page.close();
  });
});
