import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { iso } from '../detection/moment';
import type { MomentKind } from '../detection/moment';
import { ZERO, type Dec } from '../money';
import { tokenView, type TokenView } from '../tokens/token';
import { usdText } from './compute';
import { usd36Text, usd36ToDec } from './usd';
import { dailyScores, oofScore, type ScoredMoment } from './score';
import type { MatchedPart, PnlStep, Position, Report, ReportResult } from './types';

/** A moment as the report names it (its worst one, and what the score reads). */
export interface ReportMoment extends ScoredMoment { id: string; kind: MomentKind; wallet: string; mint: string; signature: string | null }

/** The API's wallet report: the `oof report` JSON, with the moments' side (score, worst moment) and charts. */
export interface WalletReportView extends Report {
  /** The report's positions, each with the `token` every position line carries (issue #19). */
  positions: Array<Position & { token: TokenView }>;
  from: string | null;
  to: string;
  oof: { score: number; missedUsd: string; moments: number; worstMoment: ReportMoment | null };
  /** The score at the end of each UTC day. */
  scoreHistory: Array<{ day: string; score: number }>;
  /** Cumulative realized PnL net of fees: [ISO time, USD], at most CHART_POINTS. */
  chart: Array<[string, string]>;
  tokens: Record<string, TokenView>;
  /** The tokens judged spam (issue #19): left out of positions, totals and moments unless `included`. */
  spam: { included: boolean; mints: string[] };
  /** One wallet's report only: its card (this version) and its share page. */
  card: { version: string; url: string; latestUrl: string; shareUrl: string } | null;
}

export const CHART_POINTS = 240;
/** A transaction without a block time has none to print. */
const isoOr = (ms: number) => (Number.isFinite(ms) ? iso(ms) : '');
const DAY_MS = 86_400_000;

/** The cumulative-PnL line, thinned to at most `max` points (the last step of each bucket: the line's true value there). */
export function pnlChart(timeline: PnlStep[], max = CHART_POINTS): Array<[number, bigint]> {
  const sorted = timeline.slice().sort((a, b) => a.atMs - b.atMs);
  const out: Array<[number, bigint]> = [];
  if (!sorted.length) return out;
  const t0 = sorted[0]!.atMs;
  const span = Math.max(1, sorted[sorted.length - 1]!.atMs - t0);
  let acc = 0n;
  let bucket = -1;
  for (const s of sorted) {
    if (s.realized36 === 0n && s.fees36 === 0n) continue;
    acc += s.realized36 - s.fees36;
    const b = Math.min(max - 1, Math.floor(((s.atMs - t0) / span) * max));
    if (b === bucket) out[out.length - 1] = [s.atMs, acc];
    else out.push([s.atMs, acc]);
    bucket = b;
  }
  return out;
}

/** The line starts at zero where the history (or the asked range) starts, before its first realized PnL or fee. */
function withOrigin(line: Array<[number, bigint]>, startMs: number | undefined): Array<[number, bigint]> {
  if (!line.length || line[0]![1] === 0n) return line;
  // At the first step itself when nothing came before it: the line still rises (or falls) from zero.
  const start = startMs !== undefined && Number.isFinite(startMs) && startMs < line[0]![0] ? startMs : line[0]![0];
  return [[start, 0n], ...line];
}

/** Volume traded per UTC day (the end of the day as its time), in time order: what the daily score reads. */
function dailyVolume(timeline: PnlStep[]): Array<[number, Dec]> {
  const byDay = new Map<number, bigint>();
  for (const s of timeline) {
    if (s.volume36 === 0n) continue;
    const day = Math.floor(s.atMs / DAY_MS);
    byDay.set(day, (byDay.get(day) ?? 0n) + s.volume36);
  }
  return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([d, v]) => [d * DAY_MS, usd36ToDec(v)]);
}

/** What a wallet card shows; a change of any of it is a new card version. */
export function walletCardVersion(v: Pick<WalletReportView, 'totals' | 'oof' | 'chart'>): string {
  const last = v.chart[v.chart.length - 1];
  return createHash('sha256')
    .update([v.totals.netPnlUsd, v.oof.missedUsd, v.oof.score, v.oof.worstMoment?.id ?? '', v.oof.worstMoment?.missedUsd ?? '', v.chart.length, last?.[0] ?? '', last?.[1] ?? ''].join('|'))
    .digest('hex').slice(0, 10);
}

export function walletCardUrl(wallet: string, version: string, base = ''): string {
  return `${base.replace(/\/$/, '')}/v1/cards/wallet/${wallet}-${version}.png`;
}
export function latestWalletCardUrl(wallet: string, base = ''): string {
  return `${base.replace(/\/$/, '')}/v1/cards/wallet/${wallet}.png`;
}
export function walletSharePath(wallet: string): string {
  return `/w/${wallet}`;
}
/** `<address>-<version>.png` or `<address>.png`. */
export function parseWalletCardFile(file: string): { wallet: string; version?: string } | undefined {
  const m = /^([1-9A-HJ-NP-Za-km-z]{32,44})(?:-([0-9a-f]{10}))?\.png$/.exec(file);
  return m ? { wallet: m[1]!, ...(m[2] ? { version: m[2] } : {}) } : undefined;
}

/** The worst moment: highest severity, then most missed, then the earliest id. */
export function worstMoment(moments: ReportMoment[]): ReportMoment | null {
  let worst: ReportMoment | null = null;
  for (const m of moments) {
    if (!worst) { worst = m; continue; }
    const s = Number(m.severity) - Number(worst.severity);
    const d = s !== 0 ? s : Number(m.missedUsd) - Number(worst.missedUsd);
    if (d > 0 || (d === 0 && m.id < worst.id)) worst = m;
  }
  return worst;
}

export interface ViewInput {
  result: ReportResult;
  moments: ReportMoment[];
  fromMs?: number;
  tokens: Map<string, TokenView>;
  /** Where the history starts (the daily score's first day). */
  firstMs?: number;
}

/** The report, its moments' score and its charts, as the API answers. */
export function reportView(i: ViewInput): WalletReportView {
  const nowMs = Date.parse(i.result.report.now);
  const from = i.fromMs;
  const moments = i.moments.filter((m) => Date.parse(m.at) <= nowMs && (from === undefined || Date.parse(m.at) >= from));
  const missed = moments.reduce<Dec>((a, m) => a.plus(m.missedUsd), ZERO);
  const score = oofScore(moments, i.result.report.totals.volumeUsd, nowMs);
  const volume = dailyVolume(i.result.timeline);
  const firstMs = from ?? i.firstMs ?? volume[0]?.[0] ?? nowMs;
  const days = dailyScores(moments, volume, Math.max(firstMs, nowMs - 365 * DAY_MS), nowMs);
  const tokens: Record<string, TokenView> = {};
  for (const p of i.result.report.positions) {
    const t = i.tokens.get(p.mint);
    if (t) tokens[p.mint] = t;
  }
  const view: WalletReportView = {
    ...i.result.report,
    positions: i.result.report.positions.map((p) => ({ ...p, token: i.tokens.get(p.mint) ?? tokenView(p.mint) })),
    from: from === undefined ? null : iso(from),
    to: i.result.report.now,
    oof: { score: score.score, missedUsd: usdText(missed), moments: moments.length, worstMoment: worstMoment(moments) },
    scoreHistory: days.map((d) => ({ day: d.day, score: d.score })),
    chart: withOrigin(pnlChart(i.result.timeline, CHART_POINTS - 1), from ?? i.firstMs).map(([t, v]) => [iso(t), usd36Text(v)]),
    tokens,
    spam: { included: false, mints: [] },
    card: null,
  };
  return view;
}

/** The daily scores of one wallet's report, for wallet_score_history. */
export function scoreDays(i: ViewInput) {
  const nowMs = Date.parse(i.result.report.now);
  const volume = dailyVolume(i.result.timeline);
  const firstMs = i.firstMs ?? volume[0]?.[0] ?? nowMs;
  return dailyScores(i.moments, volume, Math.max(firstMs, nowMs - 365 * DAY_MS), nowMs);
}

/** The positions export: one row per position, as the JSON has them, with the token's symbol. */
export function positionsCsv(v: Pick<WalletReportView, 'positions' | 'tokens'>): string {
  return stringify(v.positions.map((p) => [p.mint, v.tokens[p.mint]?.symbol ?? '', p.held, p.costBasisUsd, p.priceUsd ?? '', p.valueUsd ?? '', p.realizedPnlUsd, p.unrealizedPnlUsd ?? '', p.unknownCostQty]), {
    header: true, columns: ['mint', 'symbol', 'held', 'cost_basis_usd', 'price_usd', 'value_usd', 'realized_pnl_usd', 'unrealized_pnl_usd', 'unknown_cost_qty'],
  });
}

/**
 * The trades export, the shape tax tools import: every disposal part matched to its lot (date, signature, mint,
 * quantity, proceeds, cost, realized), oldest first. A part sold beyond the lots held has no lot and no cost.
 */
export function tradesCsv(parts: MatchedPart[]): string {
  return stringify(parts.map((p) => [isoOr(p.atMs), p.signature, p.wallet, p.mint, p.kind, p.qty, p.proceedsUsd ?? '', p.costUsd ?? '', p.realizedUsd, p.lotAtMs === null ? '' : isoOr(p.lotAtMs), p.lotSignature ?? '']), {
    header: true, columns: ['date', 'signature', 'wallet', 'mint', 'kind', 'qty', 'proceeds_usd', 'cost_usd', 'realized_usd', 'lot_date', 'lot_signature'],
  });
}
