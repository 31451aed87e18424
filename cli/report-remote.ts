import type { Writable } from 'node:stream';
import { CliError } from './errors';

export interface RemoteReportOptions {
  gateway: string;
  wallets: string[];
  csv: boolean;
  /** With --csv: the trades export (every disposal matched to its lots) instead of the positions. */
  trades: boolean;
  from?: string;
  to?: string;
  /** Spam tokens' positions and moments too (left out by default). */
  includeSpam?: boolean;
  token?: string;
}

/**
 * `oof report --wallet W [--wallet W2…] [--csv [--trades]]`: the stored history's report from the gateway — one
 * wallet by GET /v1/wallets/:address/report, several (one owner) by POST /v1/reports.
 */
export async function remoteReport(o: RemoteReportOptions, out: Writable): Promise<number> {
  if (o.trades && !o.csv) throw new CliError('--trades is an export: use it with --csv');
  const query = new URLSearchParams();
  if (o.from) query.set('from', o.from);
  if (o.to) query.set('to', o.to);
  if (o.trades) query.set('export', 'trades');
  if (o.includeSpam) query.set('includeSpam', 'true');
  const headers: Record<string, string> = { accept: o.csv ? 'text/csv' : 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
  const single = o.wallets.length === 1;
  const url = single
    ? `${o.gateway}/v1/wallets/${encodeURIComponent(o.wallets[0]!)}/report?${query}`
    : `${o.gateway}/v1/reports?${new URLSearchParams([...query].filter(([k]) => k === 'export' || k === 'includeSpam'))}`;
  const init: RequestInit = single ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ wallets: o.wallets, ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) }) };
  const res = await fetch(url, init).catch((e) => {
    throw new CliError(`cannot reach the gateway at ${o.gateway}: ${(e as Error).message}`);
  });
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 300);
    try { detail = JSON.parse(text).detail ?? detail; } catch { /* not a problem document */ }
    throw new CliError(`report: ${res.status} ${detail}`.trim());
  }
  out.write(o.csv ? text : `${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  return 0;
}
