/**
 * A share page: the HTML a link unfurls from (Open Graph, Twitter card, Farcaster mini-app embed, canonical URL) and
 * what a person who clicks through sees (the card and its story). Knows nothing of moments, so wallet report cards
 * use it as they are.
 */
export interface SharePage {
  /** Absolute canonical URL of this page. */
  canonicalUrl: string;
  title: string;
  description: string;
  image: { url: string; width: number; height: number; alt: string };
  /** Paragraphs under the card. */
  story: string[];
  /** Label/value pairs shown as a list. */
  facts: Array<[string, string]>;
  /** Intent links to share the page on. */
  shareLinks: Array<{ label: string; href: string }>;
  /** Farcaster embed button (≤ 32 characters) and the app name its action opens. */
  button: { title: string; appName: string };
  /** A link onward for people who came from the card ("analyse your own wallet"). */
  cta: { label: string; href: string };
  siteName?: string;
  /** The page's stylesheet (a path on this site). */
  stylesheet?: string;
}

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Farcaster Mini App embed (`fc:miniapp`, and `fc:frame` for older clients): version "1", image, one launch button. */
export function farcasterEmbed(p: SharePage, action: 'launch_miniapp' | 'launch_frame'): string {
  return JSON.stringify({
    version: '1',
    imageUrl: p.image.url,
    button: { title: p.button.title.slice(0, 32), action: { type: action, name: p.button.appName.slice(0, 32), url: p.canonicalUrl } },
  });
}

/** X and Warpcast compose intents for a URL with a line of text. */
export function intentLinks(url: string, text: string): Array<{ label: string; href: string }> {
  const x = new URL('https://x.com/intent/post');
  x.searchParams.set('text', text);
  x.searchParams.set('url', url);
  const warpcast = new URL('https://farcaster.xyz/~/compose');
  warpcast.searchParams.set('text', text);
  warpcast.searchParams.append('embeds[]', url);
  return [{ label: 'Share on X', href: x.toString() }, { label: 'Cast on Warpcast', href: warpcast.toString() }];
}

export function renderSharePage(p: SharePage): string {
  const e = escapeHtml;
  const meta = (attr: 'property' | 'name', key: string, value: string | number) => `  <meta ${attr}="${key}" content="${e(String(value))}">`;
  const head = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '  <meta charset="utf-8">',
    '  <meta name="viewport" content="width=device-width, initial-scale=1">',
    `  <title>${e(p.title)}</title>`,
    `  <meta name="description" content="${e(p.description)}">`,
    `  <link rel="canonical" href="${e(p.canonicalUrl)}">`,
    // No icon request (and no 404) for a page people land on from a link.
    '  <link rel="icon" href="data:,">',
    meta('property', 'og:type', 'website'),
    meta('property', 'og:site_name', p.siteName ?? 'OOF'),
    meta('property', 'og:url', p.canonicalUrl),
    meta('property', 'og:title', p.title),
    meta('property', 'og:description', p.description),
    meta('property', 'og:image', p.image.url),
    meta('property', 'og:image:type', 'image/png'),
    meta('property', 'og:image:width', p.image.width),
    meta('property', 'og:image:height', p.image.height),
    meta('property', 'og:image:alt', p.image.alt),
    meta('name', 'twitter:card', 'summary_large_image'),
    meta('name', 'twitter:title', p.title),
    meta('name', 'twitter:description', p.description),
    meta('name', 'twitter:image', p.image.url),
    meta('name', 'twitter:image:alt', p.image.alt),
    meta('name', 'fc:miniapp', farcasterEmbed(p, 'launch_miniapp')),
    meta('name', 'fc:frame', farcasterEmbed(p, 'launch_frame')),
    p.stylesheet ? `  <link rel="stylesheet" href="${e(p.stylesheet)}">` : '',
    '</head>',
  ].filter(Boolean);
  const body = [
    '<body class="share">',
    '  <main>',
    `    <h1>${e(p.title)}</h1>`,
    `    <img class="share-card" src="${e(p.image.url)}" width="${p.image.width}" height="${p.image.height}" alt="${e(p.image.alt)}">`,
    ...p.story.map((s) => `    <p>${e(s)}</p>`),
    '    <dl class="facts">',
    ...p.facts.map(([k, v]) => `      <dt>${e(k)}</dt><dd>${e(v)}</dd>`),
    '    </dl>',
    '    <ul class="share-links">',
    ...p.shareLinks.map((l) => `      <li><a href="${e(l.href)}" rel="noopener" target="_blank">${e(l.label)}</a></li>`),
    '    </ul>',
    `    <p><a class="cta" href="${e(p.cta.href)}">${e(p.cta.label)}</a></p>`,
    '  </main>',
    '</body>',
    '</html>',
    '',
  ];
  return [...head, ...body].join('\n');
}
