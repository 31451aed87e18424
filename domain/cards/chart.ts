import { D, type Dec } from '../money';

/** Prices arrive as the decimal text they are stored as; only pixel positions ever become JS numbers. */
export interface ChartInput {
  points: Array<[number, string]>;
  trade: { atMs: number; price: string };
  extreme?: { atMs: number; price: string };
  color: string;
  width: number;
  height: number;
}

/**
 * The window's price line as SVG elements to place in the card's own SVG (a nested image would cost resvg a second
 * parse and raster): the trade marked with a dashed line at its price, the peak or trough with a ring. Coordinates
 * are rounded so the SVG stays small.
 */
const DECIMAL = /^\d+(\.\d+)?$/;

export function priceChart(c: ChartInput): string | undefined {
  const pts: Array<[number, Dec]> = [];
  for (const [t, v] of c.points) if (Number.isFinite(t) && DECIMAL.test(v)) pts.push([t, new D(v)]);
  if (pts.length < 2) return undefined;
  const trade = new D(c.trade.price);
  const extreme = c.extreme ? new D(c.extreme.price) : undefined;
  // The trade and the extreme are always inside the drawing, even when no point sits exactly on them.
  const times = pts.map((p) => p[0]).concat(c.trade.atMs, c.extreme ? [c.extreme.atMs] : []);
  const values = pts.map((p) => p[1]).concat(trade, extreme ? [extreme] : []);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const lo = D.min(...values);
  const span = D.max(...values).minus(lo);
  const pad = 12;
  const x = (t: number) => Math.round(pad + ((t - t0) / Math.max(1, t1 - t0)) * (c.width - 2 * pad));
  // The price's place between the lowest and highest, as a fraction of the height: the one step from money to pixels.
  const y = (v: Dec) => Math.round(pad + (1 - (span.isZero() ? 0 : v.minus(lo).div(span).toNumber())) * (c.height - 2 * pad));
  // At most one point per pixel column keeps a 2,000-point window light.
  const step = Math.max(1, Math.floor(pts.length / (c.width - 2 * pad)));
  const line = pts.filter((_, i) => i % step === 0 || i === pts.length - 1).map(([t, v]) => `${x(t)},${y(v)}`).join(' ');
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  const area = `${x(first[0])},${c.height} ${line} ${x(last[0])},${c.height}`;
  const tx = x(c.trade.atMs);
  const ty = y(trade);
  const ext = c.extreme && extreme ? `<circle cx="${x(c.extreme.atMs)}" cy="${y(extreme)}" r="11" fill="none" stroke="#fff" stroke-width="4"/><circle cx="${x(c.extreme.atMs)}" cy="${y(extreme)}" r="5" fill="${c.color}"/>` : '';
  return `<polygon points="${area}" fill="${c.color}" fill-opacity="0.22"/>`
    + `<polyline points="${line}" fill="none" stroke="${c.color}" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"/>`
    + `<line x1="${pad}" y1="${ty}" x2="${c.width - pad}" y2="${ty}" stroke="#ffffff" stroke-opacity="0.45" stroke-width="2" stroke-dasharray="8 8"/>`
    + `<circle cx="${tx}" cy="${ty}" r="9" fill="#ffffff"/>${ext}`;
}
