import { createHash } from 'node:crypto';
import { D } from '../../domain/money';
import { computeReport } from '../../domain/report/compute';
import { reportView, scoreDays, tradesCsv, walletCardUrl, walletCardVersion, latestWalletCardUrl, walletSharePath, type ReportMoment, type WalletReportView } from '../../domain/report/view';
import type { Db } from '../../lib/db';
import { withoutMints } from '../../domain/report/exclude';
import { parseDenyList, unsolicitedMints } from '../../domain/tokens/spam';
import { tokenView } from '../../domain/tokens/token';
import { spamVerdict, tokenRows } from '../stores/token-store';
import { loadReportHistory, loadReportPrices, mintsOf, priceNeeds } from './report-source';

export interface ReportQuery {
  /** One owner's wallets (sorted, unique). */
  wallets: string[];
  fromMs?: number;
  /** The report's `now`; absent, the present. */
  toMs?: number;
  /** Spam tokens (issue #19) are left out unless asked for. */
  includeSpam?: boolean;
  /** TOKEN_DENYLIST as the asking gateway has it (mints and /patterns/): spam whatever else is known. */
  denyList?: string[];
}

export interface ReportAnswer { body: string; view: WalletReportView; stamp: string; scope: string; cached: boolean }

const DAY_MS = 86_400_000;
/** The shape of the stored report body: a body cached before a change of it (v2: `spam`, each position's `token`) is stale. */
const REPORT_VIEW_VERSION = 'v2';

/** What was asked: the cache row's key. */
export function reportScope(q: ReportQuery): string {
  // A deny list or spam asked for is another question, hence another cache row.
  // The body lists the spam it judged, so a deny list changes the answer with spam included too.
  const spam = q.includeSpam ? ['spam', q.denyList ?? []] : q.denyList?.length ? [q.denyList] : [];
  return createHash('sha256').update(JSON.stringify([q.wallets, q.fromMs ?? null, q.toMs ?? null, ...spam])).digest('hex').slice(0, 32);
}

/**
 * What a report was computed from: each wallet's history version (bumped by triggers on every change of its
 * stored history), its moments (count and latest change: a moment that worsens changes the score and the card), and
 * the UTC day of `now`. A report is served from the cache while this is unchanged. Which tokens are spam is judged
 * when the report is computed (the registry's verified and market flags change rarely): a day at most, like the
 * moments' own flags, which detection sets.
 */
export async function reportStamp(db: Db, q: ReportQuery, nowMs: number): Promise<string> {
  const r = await db.raw(
    `select (select coalesce(string_agg(wallet || ':' || version, ',' order by wallet), '') from wallet_history_versions where wallet = any(?)) as versions,
            (select count(*) || ':' || coalesce(extract(epoch from max(updated_at))::text, '') from moments where wallet = any(?)) as moments`,
    [q.wallets, q.wallets]);
  return `${REPORT_VIEW_VERSION}|${r.rows[0].versions}|${r.rows[0].moments}|${Math.floor(nowMs / DAY_MS)}`;
}

/** How many actions the wallets have stored: what decides whether the worker computes their report. */
export async function actionCount(db: Db, wallets: string[]): Promise<number> {
  const r = await db('actions').whereIn('wallet', wallets).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

export async function cachedReport(db: Db, scope: string, stamp: string): Promise<{ body: string; trades_csv: string | null } | undefined> {
  return db('wallet_reports').where({ scope, stamp }).first('body', 'trades_csv');
}

/**
 * Computes one owner's report from the stored history (transactions, the prices they need, their moments), stores it
 * in the cache under its scope and stamp, and for a one-wallet report that covers the wallet's whole history also its
 * daily OOF score. With `trades`, the trades export too. What the gateway runs inline and the worker's activity runs
 * for large histories.
 */
export async function computeAndStoreReport(db: Db, q: ReportQuery, o: { trades?: boolean; nowMs?: number } = {}): Promise<ReportAnswer & { tradesCsv?: string; actions: number }> {
  const nowMs = Math.min(q.toMs ?? Date.now(), o.nowMs ?? Date.now());
  const stamp = await reportStamp(db, q, nowMs);
  const scope = reportScope(q);
  const history = await loadReportHistory(db, q.wallets, nowMs);
  const allMints = mintsOf(history);
  // Spam for the owner as a whole: deny-listed, or arrived unsolicited in any of the wallets, bought in none, and
  // neither verified nor priced by the registry (the verdict moments and alerts get, spamPairs).
  const rows = await tokenRows(db, allMints);
  const unsolicited = unsolicitedMints(history);
  const deny = parseDenyList(q.denyList ?? []);
  const spam = allMints.filter((m) => spamVerdict(m, rows.get(m), unsolicited.has(m), deny)).sort();
  const spamSet = new Set(spam);
  const txs = q.includeSpam ? history : withoutMints(history, spamSet);
  const mints = q.includeSpam ? allMints : allMints.filter((m) => !spamSet.has(m));
  const tokens = new Map(mints.map((m) => [m, tokenView(m, rows.get(m))]));
  const [prices, momentRows] = await Promise.all([
    loadReportPrices(db, priceNeeds(txs), mints, nowMs),
    q.includeSpam
      ? db('moments').whereIn('wallet', q.wallets).select('id', 'kind', 'wallet', 'mint', 'signature', 'at', 'missed_usd', 'severity')
      // The owner's verdict, not each moment's own flag (detection judges one wallet: a token bought in one of the
      // wallets and moved to another is spam for the second alone, not for the owner). One array parameter, however
      // many spam mints an airdrop-farmed owner has.
      : db('moments').whereIn('wallet', q.wallets).whereRaw('not (mint = any(?::text[]))', [spam]).select('id', 'kind', 'wallet', 'mint', 'signature', 'at', 'missed_usd', 'severity'),
  ]);
  const result = computeReport({ wallets: q.wallets, transactions: txs, prices, nowMs, fromMs: q.fromMs, timeline: true, detail: o.trades === true });
  const moments: ReportMoment[] = momentRows.map((r: any) => ({
    id: r.id, kind: r.kind, wallet: r.wallet, mint: r.mint, signature: r.signature, at: new Date(r.at).toISOString(),
    missedUsd: new D(r.missed_usd).toFixed(), severity: new D(r.severity).toFixed(),
  }));
  const firstMs = txs.find((t) => Number.isFinite(t.atMs))?.atMs;
  const input = { result, moments, fromMs: q.fromMs, tokens, firstMs };
  const view = reportView(input);
  view.spam = { included: q.includeSpam === true, mints: spam };
  // The card and the daily score are the default report's (spam left out): a report with spam has no card of its own.
  if (q.wallets.length === 1 && !q.includeSpam) {
    const wallet = q.wallets[0]!;
    const version = walletCardVersion(view);
    view.card = { version, url: walletCardUrl(wallet, version), latestUrl: latestWalletCardUrl(wallet), shareUrl: walletSharePath(wallet) };
    if (q.fromMs === undefined && q.toMs === undefined) await storeScoreHistory(db, wallet, scoreDays(input));
  }
  const body = JSON.stringify(view);
  const trades = o.trades ? tradesCsv(result.parts) : undefined;
  await db('wallet_reports')
    .insert({ scope, wallets: q.wallets, stamp, body, trades_csv: trades ?? null, actions: result.actions, computed_at: db.fn.now() })
    // A new computation replaces the row whole: a trades export of an older stamp is stale with it.
    .onConflict('scope').merge(['wallets', 'stamp', 'body', 'trades_csv', 'actions', 'computed_at']);
  return { body, view, stamp, scope, cached: false, tradesCsv: trades, actions: result.actions };
}

async function storeScoreHistory(db: Db, wallet: string, days: ReturnType<typeof scoreDays>): Promise<void> {
  if (!days.length) return;
  const rows = days.map((d) => ({ wallet, day: d.day, score: d.score, missed_usd: d.missedUsd.toFixed(18), volume_usd: d.volumeUsd.toDecimalPlaces(18).toFixed(), moments: d.moments, computed_at: db.fn.now() }));
  for (let i = 0; i < rows.length; i += 500) {
    await db('wallet_score_history').insert(rows.slice(i, i + 500)).onConflict(['wallet', 'day']).merge(['score', 'missed_usd', 'volume_usd', 'moments', 'computed_at']);
  }
}

/** A wallet's stored daily scores, oldest first. */
export async function scoreHistory(db: Db, wallet: string, days = 365): Promise<Array<{ day: string; score: number }>> {
  const rows = await db('wallet_score_history').where({ wallet }).where('day', '>', db.raw(`current_date - ?::int`, [days])).orderBy('day').select(db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'score');
  return rows.map((r: any) => ({ day: r.day, score: Number(r.score) }));
}
