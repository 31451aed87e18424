import type { Moment } from '../detection/moment';
import { priceChart } from './chart';
import { humanAmount, humanDate, humanPct, humanPrice, humanUsd, shortAddress } from './format';
import { momentTokens, tokenLabel, type CardTokens } from './tokens';

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

interface Theme { color: string; label: string; missedWord: string }

export const THEMES: Record<Moment['kind'], Theme> = {
  S2E: { color: '#F5A524', label: 'SOLD TOO EARLY', missedWord: 'missed' },
  BHD: { color: '#F31260', label: 'HELD THE BAG', missedWord: 'lost' },
  BadRoute: { color: '#9353D3', label: 'BAD ROUTE', missedWord: 'lost to the route' },
  IdleYield: { color: '#17C964', label: 'IDLE MONEY', missedWord: 'of yield missed' },
};

type El = { type: string; props: Record<string, unknown> };
const h = (type: string, style: Record<string, unknown>, ...children: Array<El | string | undefined>): El =>
  ({ type, props: { style: { display: 'flex', ...style }, children: children.filter((c) => c !== undefined) } });

function mix(a: string, b: string, t: number): string {
  const ch = (hex: string, i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2].map((i) => Math.round(ch(a, i) * t + ch(b, i) * (1 - t)).toString(16).padStart(2, '0')).join('')}`;
}

/** The token's logo beside the story, as tall as its line so the layout (and the chart box below) does not move. */
function logo(src?: string): El | undefined {
  return src ? { type: 'img', props: { src, width: 34, height: 34, style: { borderRadius: 17 } } } : undefined;
}

/** The sentence under the headline: what happened, in the trade's own numbers (also the share page's and alerts' text). */
export function story(m: Moment, tokens?: CardTokens): string {
  tokens = momentTokens(m, tokens);
  const e = m.explain as Record<string, any>;
  const sym = tokenLabel(m.mint, tokens);
  switch (m.kind) {
    case 'S2E':
      return `Sold ${humanAmount(e.quantity)} ${sym} at ${humanPrice(e.tradePrice)} · it hit ${humanPrice(e.peakPrice)} by ${humanDate(e.peakAt)}`;
    case 'BHD':
      return `Bought ${humanAmount(e.quantity)} ${sym} at ${humanPrice(e.tradePrice)} · it sank to ${humanPrice(e.troughPrice)} by ${humanDate(e.troughAt)}`;
    case 'BadRoute':
      return `Swapped ${humanAmount(e.inAmount)} ${sym} for ${humanAmount(e.outAmount)} ${tokenLabel(e.outMint, tokens)} · ${e.reference === 'quote' ? 'the best route paid more' : 'worth less than it cost'}`;
    case 'IdleYield':
      return `${humanAmount(e.balance)} ${sym} sat idle for ${Math.round(Number(e.days))} days at ${humanPct(e.apy, '+').slice(1)} APY`;
  }
}

/** Shrinks with length so headline and percentage always fit on one 1104 px line (Inter bold ≈ 0.6 em a glyph). */
export function headlineSize(headline: string, pct: string): number {
  const budget = 1104 - 28 - pct.length * 56 * 0.62;
  return Math.max(40, Math.min(120, Math.floor(budget / (headline.length * 0.6))));
}

/** The window's prices: [ms, decimal text]. */
export interface CardChart { points: Array<[number, string]> }

/** The satori element tree of a moment's card: colour and wording per kind, intensity by severity. */
/** Where the chart sits in the card: satori leaves this box empty and render.ts draws the chart into it. */
export const CHART_BOX = { x: 48, y: 364, width: 1104, height: 190 };

/** The chart's SVG elements, positioned in the card, or undefined when there is nothing to draw. */
export function chartElements(m: Moment, chart?: CardChart): string | undefined {
  const e = m.explain as Record<string, any>;
  if (!chart || !e.tradePrice) return undefined;
  const extremeAt = e.peakAt ?? e.troughAt;
  const extremePrice = e.peakPrice ?? e.troughPrice;
  const inner = priceChart({
    points: chart.points, color: THEMES[m.kind].color, width: CHART_BOX.width, height: CHART_BOX.height,
    trade: { atMs: Date.parse(m.at), price: String(e.tradePrice) },
    extreme: extremeAt && extremePrice ? { atMs: Date.parse(extremeAt), price: String(extremePrice) } : undefined,
  });
  return inner ? `<g transform="translate(${CHART_BOX.x} ${CHART_BOX.y})">${inner}</g>` : undefined;
}

export function cardTree(m: Moment, chart?: CardChart, tokens?: CardTokens): El {
  const theme = THEMES[m.kind];
  const sev = Math.max(0, Math.min(1, Number(m.severity)));
  const headline = `${humanUsd(m.missedUsd)} ${theme.missedWord}`;
  const pct = m.kind === 'BHD' || m.kind === 'BadRoute' ? humanPct(m.pct, '−') : humanPct(m.pct, '+');
  // Intensity: the background is the kind's colour mixed into near-black, more of it as severity grows. A flat colour,
  // not a gradient: gradients triple the PNG's size and double the render time.
  const background = mix(theme.color, '#0b0b10', 0.12 + 0.3 * sev);
  const hasChart = chartElements(m, chart) !== undefined;
  // Padding would widen the card past 1200 px: the margins live on an inner column of fixed size instead.
  return h('div', {
    width: CARD_WIDTH, height: CARD_HEIGHT, color: '#fff', fontFamily: 'Inter',
    backgroundColor: background,
  },
  h('div', { flexDirection: 'column', width: CARD_WIDTH - 96, height: CARD_HEIGHT - 72, margin: '36px 48px' },
  h('div', { justifyContent: 'space-between', alignItems: 'center', width: '100%' },
    h('div', { alignItems: 'center', gap: 18 },
      h('div', { fontSize: 40, fontWeight: 800, letterSpacing: -1 }, 'OOF'),
      h('div', { fontSize: 22, fontWeight: 700, color: '#0b0b10', backgroundColor: theme.color, padding: '6px 16px', borderRadius: 999 }, theme.label),
      m.status === 'provisional' ? h('div', { fontSize: 20, fontWeight: 700, color: theme.color, border: `2px solid ${theme.color}`, padding: '4px 12px', borderRadius: 999 }, 'STILL UNFOLDING') : undefined),
    h('div', { fontSize: 24, color: '#b9b9c6' }, `${shortAddress(m.wallet)} · ${humanDate(m.at)}`)),
  h('div', { alignItems: 'flex-end', gap: 28, marginTop: 26 },
    h('div', { fontSize: headlineSize(headline, pct), fontWeight: 800, letterSpacing: -3, lineHeight: 1, whiteSpace: 'nowrap' }, headline),
    h('div', { fontSize: 56, fontWeight: 800, color: theme.color, lineHeight: 1.1, whiteSpace: 'nowrap' }, pct)),
  h('div', { alignItems: 'center', gap: 14, marginTop: 18, maxWidth: 1104 },
    logo(tokens?.[m.mint]?.logo),
    h('div', { fontSize: 28, color: '#dedee6', overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }, story(m, tokens))),
  hasChart ? h('div', { width: CHART_BOX.width, height: CHART_BOX.height, marginTop: 'auto' }) : h('div', { flexGrow: 1 }),
  h('div', { alignItems: 'center', gap: 16, marginTop: 16 },
    h('div', { width: 320, height: 12, backgroundColor: '#2a2a35', borderRadius: 6 },
      h('div', { width: Math.max(8, Math.round(320 * sev)), height: 12, backgroundColor: theme.color, borderRadius: 6 })),
    h('div', { fontSize: 20, color: '#b9b9c6' }, `severity ${Math.round(sev * 100)}% · ${tokenLabel(m.mint, tokens)}`))),
  );
}
