import { D } from '../money';
import type { WalletReportView } from '../report/view';
import { CARD_HEIGHT, CARD_WIDTH, THEMES } from './card';
import { humanDate, humanUsd, shortAddress } from './format';
import { tokenLabel, type CardTokens } from './tokens';

type El = { type: string; props: Record<string, unknown> };
const h = (type: string, style: Record<string, unknown>, ...children: Array<El | string | undefined>): El =>
  ({ type, props: { style: { display: 'flex', ...style }, children: children.filter((c) => c !== undefined) } });

const GAIN = '#17C964';
const LOSS = '#F31260';
const ACCENT = '#F5A524';
/** Where the cumulative-PnL line goes: satori leaves the box empty, the renderer draws into it (as for moments). */
export const WALLET_CHART_BOX = { x: 48, y: 400, width: 1104, height: 150 };

export type WalletCardData = Pick<WalletReportView, 'wallets' | 'now' | 'totals' | 'oof' | 'chart' | 'tokens'>;

const signedUsd = (v: string) => `${new D(v).isNegative() ? '−' : '+'}${humanUsd(new D(v).abs().toFixed())}`;

/** The worst moment in words: kind, token, what it cost. */
export function worstLine(v: WalletCardData, tokens?: CardTokens): string {
  const w = v.oof.worstMoment;
  if (!w) return 'No OOF moments yet';
  const sym = tokens?.[w.mint]?.symbol ?? v.tokens[w.mint]?.symbol ?? tokenLabel(w.mint);
  return `Worst: ${THEMES[w.kind].label.toLowerCase()} on ${sym}, ${humanUsd(w.missedUsd)} ${THEMES[w.kind].missedWord} (${humanDate(w.at)})`;
}

/** The wallet card's satori tree: net PnL as the headline, the OOF score beside it, missed USD and the worst moment. */
export function walletCardTree(v: WalletCardData): El {
  const net = v.totals.netPnlUsd;
  const color = new D(net).isNegative() ? LOSS : GAIN;
  return h('div', { width: CARD_WIDTH, height: CARD_HEIGHT, color: '#fff', fontFamily: 'Inter', backgroundColor: '#14141c' },
    h('div', { flexDirection: 'column', width: CARD_WIDTH - 96, height: CARD_HEIGHT - 72, margin: '36px 48px' },
      h('div', { justifyContent: 'space-between', alignItems: 'center', width: '100%' },
        h('div', { alignItems: 'center', gap: 18 },
          h('div', { fontSize: 40, fontWeight: 800, letterSpacing: -1 }, 'OOF'),
          h('div', { fontSize: 22, fontWeight: 700, color: '#0b0b10', backgroundColor: ACCENT, padding: '6px 16px', borderRadius: 999 }, 'WALLET REPORT')),
        h('div', { fontSize: 24, color: '#b9b9c6' }, `${v.wallets.map(shortAddress).join(' + ')} · ${humanDate(v.now)}`)),
      h('div', { alignItems: 'flex-end', justifyContent: 'space-between', marginTop: 26, width: '100%' },
        h('div', { flexDirection: 'column' },
          h('div', { fontSize: 24, color: '#b9b9c6' }, 'net PnL'),
          h('div', { fontSize: 104, fontWeight: 800, letterSpacing: -3, lineHeight: 1, color, whiteSpace: 'nowrap' }, signedUsd(net))),
        h('div', { flexDirection: 'column', alignItems: 'flex-end' },
          h('div', { fontSize: 24, color: '#b9b9c6' }, 'OOF score'),
          h('div', { fontSize: 104, fontWeight: 800, letterSpacing: -3, lineHeight: 1, color: ACCENT }, `${v.oof.score}`))),
      h('div', { fontSize: 30, marginTop: 18, color: '#dedee6' }, `${humanUsd(v.oof.missedUsd)} missed in ${v.oof.moments} moment${v.oof.moments === 1 ? '' : 's'} · ${humanUsd(v.totals.volumeUsd)} traded`),
      h('div', { fontSize: 26, marginTop: 8, color: '#b9b9c6', overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis', maxWidth: 1104 }, worstLine(v)),
      h('div', { flexGrow: 1 }),
      h('div', { fontSize: 20, color: '#b9b9c6' }, `cumulative realized PnL after fees · win rate ${v.totals.winRate === null ? '–' : `${Math.round(Number(v.totals.winRate) * 100)}%`}`)));
}

/** The cumulative-PnL line as SVG placed in the card, a zero line dashed; undefined with fewer than two points. */
export function walletChartElements(v: WalletCardData): string | undefined {
  const pts = v.chart.map(([t, usd]) => [Date.parse(t), new D(usd)] as const);
  if (pts.length < 2) return undefined;
  const { x: bx, y: by, width, height } = WALLET_CHART_BOX;
  const values = pts.map((p) => p[1]).concat(new D(0));
  const lo = D.min(...values);
  const span = D.max(...values).minus(lo);
  const t0 = pts[0]![0];
  const t1 = pts[pts.length - 1]![0];
  const pad = 8;
  const x = (t: number) => Math.round(pad + ((t - t0) / Math.max(1, t1 - t0)) * (width - 2 * pad));
  // The one step from money to pixels: a value's place between the lowest and the highest.
  const y = (d: InstanceType<typeof D>) => Math.round(pad + (1 - (span.isZero() ? 0.5 : d.minus(lo).div(span).toNumber())) * (height - 2 * pad));
  const line = pts.map(([t, d]) => `${x(t)},${y(d)}`).join(' ');
  const color = pts[pts.length - 1]![1].isNegative() ? LOSS : GAIN;
  const zero = y(new D(0));
  return `<g transform="translate(${bx} ${by})"><line x1="${pad}" y1="${zero}" x2="${width - pad}" y2="${zero}" stroke="#ffffff" stroke-opacity="0.35" stroke-width="2" stroke-dasharray="8 8"/>`
    + `<polyline points="${line}" fill="none" stroke="${color}" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"/></g>`;
}
