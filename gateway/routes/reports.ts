import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { positionsCsv, type WalletReportView } from '../../domain/report/view';
import { scoreHistory, type ReportQuery } from '../../adapters/reports/report-service';
import type { Db } from '../../lib/db';
import { isSolanaAddress } from '../../lib/solana-address';
import { principalOf, type WalletPolicy } from '../auth/policy';
import { Problem } from '../problem';
import type { ReportResolver } from '../reports/report-resolver';
import { parseOr400 } from '../validation';

const address = z.string().refine(isSolanaAddress, { error: (i) => `"${String(i.input).slice(0, 64)}" is not a Solana address` });
// An instant or a UTC day (a day means its start).
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO date-time or a date (YYYY-MM-DD)' });
const exportKind = z.enum(['positions', 'trades'], { error: 'export must be positions or trades' });
const includeSpam = z.enum(['true', 'false'], { error: 'includeSpam must be true or false' }).describe('true: spam tokens\' positions and moments too (left out by default)');

export const reportQuerySchema = z.object({ from: instant.optional(), to: instant.optional(), export: exportKind.optional(), includeSpam: includeSpam.optional() }).strict()
  .refine((b) => !b.from || !b.to || Date.parse(b.from) < Date.parse(b.to), { message: 'from must be before to', path: ['from'] });

export const reportsQuerySchema = z.object({ export: exportKind.optional(), includeSpam: includeSpam.optional() }).strict();

export function reportsBodySchema(maxWallets: number) {
  return z.object({
    wallets: z.array(address, { error: 'wallets must be an array of addresses' }).min(1, 'give at least one wallet, or none to report your own').max(maxWallets, `at most ${maxWallets} wallets per report`).optional(),
    from: instant.optional(),
    to: instant.optional(),
  }).strict().refine((b) => !b.from || !b.to || Date.parse(b.from) < Date.parse(b.to), { message: 'from must be before to', path: ['from'] });
}

export interface ReportsDeps { db: Db; policy: WalletPolicy; resolver: ReportResolver; maxWallets: number }

/** What the caller wants back: JSON, or one of the two CSV exports (by `.csv`, or `Accept: text/csv`). */
function wantsCsv(ctx: Context, csvPath: boolean): boolean {
  if (csvPath) return true;
  if (!ctx.get('accept')) return false;
  const t = ctx.accepts('application/json', 'text/csv');
  if (t === false) throw new Problem(406, 'Not Acceptable', 'this report is served as application/json or text/csv');
  return t === 'text/csv';
}

/**
 * GET /v1/wallets/:address/report[.csv] and POST /v1/reports: one owner's FIFO PnL report (issue #14), computed from
 * the stored history and cached until the history, the moments or the day of `now` change.
 */
export function reportsRouter(d: ReportsDeps): Router {
  const router = new Router();

  async function answer(ctx: Context, q: ReportQuery, csv: boolean, exportAs: 'positions' | 'trades' | undefined): Promise<void> {
    if (exportAs && !csv) throw new Problem(400, 'Bad Request', 'export names a CSV export: ask for text/csv (or .csv)');
    const trades = csv && exportAs === 'trades';
    const r = await d.resolver.resolve(q, { trades });
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.set('X-Report-Source', r.source);
    ctx.set('ETag', `"${Buffer.from(r.stamp).toString('base64url').slice(-40)}-${trades ? 't' : csv ? 'p' : 'j'}"`);
    if (!csv) {
      ctx.type = 'application/json';
      ctx.body = r.body;
      return;
    }
    const name = `oof-report-${q.wallets.length === 1 ? q.wallets[0] : `${q.wallets.length}-wallets`}-${trades ? 'trades' : 'positions'}.csv`;
    ctx.set('Content-Disposition', `attachment; filename="${name}"`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = trades ? r.tradesCsv! : positionsCsv(JSON.parse(r.body) as WalletReportView);
  }

  // Spam tokens are left out of a report unless asked for (issue #19), as they are of moments.
  const spam = (v?: 'true' | 'false') => (v === 'true' ? { includeSpam: true } : {});
  const range = (from?: string, to?: string) => ({ ...(from ? { fromMs: Date.parse(from) } : {}), ...(to ? { toMs: Date.parse(to) } : {}) });

  for (const path of ['/v1/wallets/:address/report', '/v1/wallets/:address/report.csv']) {
    router.get(path, async (ctx) => {
      const wallet = ctx.params.address!;
      if (!isSolanaAddress(wallet)) throw new Problem(400, 'Bad Request', `"${wallet.slice(0, 64)}" is not a Solana address`);
      const q = parseOr400(reportQuerySchema, ctx.query, 'query');
      await d.policy.assertCanReadWallet(principalOf(ctx), wallet);
      await answer(ctx, { wallets: [wallet], ...range(q.from, q.to), ...spam(q.includeSpam) }, wantsCsv(ctx, path.endsWith('.csv')), q.export);
    });
  }

  router.post('/v1/reports', async (ctx) => {
    if (!ctx.is('application/json')) throw new Problem(415, 'Unsupported Media Type', 'send the request body as application/json');
    const body = parseOr400(reportsBodySchema(d.maxWallets), (ctx.request as any).body ?? {}, 'report request');
    const q = parseOr400(reportsQuerySchema, ctx.query, 'query');
    const p = principalOf(ctx);
    // By default, the caller's own verified wallets: one owner, one FIFO across them.
    const wallets = [...new Set(body.wallets ?? (p && 'wallets' in p ? p.wallets.filter(isSolanaAddress) : []))].sort();
    if (!wallets.length) throw new Problem(400, 'Bad Request', 'name wallets, or verify a Solana wallet with your account to report your own');
    if (wallets.length > d.maxWallets) throw new Problem(400, 'Bad Request', `at most ${d.maxWallets} wallets per report`);
    const readable = await d.policy.readableOf(p, wallets);
    const refused = wallets.filter((w) => !readable.has(w));
    if (refused.length) throw new Problem(403, 'Forbidden', `you may not read ${refused.join(', ')}: a report covers your own wallets and those you analysed lately`, { wallets: refused });
    await answer(ctx, { wallets, ...range(body.from, body.to), ...spam(q.includeSpam) }, wantsCsv(ctx, false), q.export);
  });

  router.get('/v1/wallets/:address/score-history', async (ctx) => {
    const wallet = ctx.params.address!;
    if (!isSolanaAddress(wallet)) throw new Problem(400, 'Bad Request', `"${wallet.slice(0, 64)}" is not a Solana address`);
    const q = parseOr400(z.object({ days: z.coerce.number().int().min(1).max(366).default(365) }).strict(), ctx.query, 'query');
    await d.policy.assertCanReadWallet(principalOf(ctx), wallet);
    ctx.body = { wallet, days: await scoreHistory(d.db, wallet, q.days) };
  });

  return router;
}
