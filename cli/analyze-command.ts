import { EventSource } from 'eventsource';
import { tokenLabel } from '../domain/cards/tokens';
import { humanDate, humanPrice, humanUsd } from '../domain/cards/format';
import { CliError } from './errors';

export interface AnalyzeOptions { gateway: string; wallets: string[]; follow: boolean; json: boolean; token?: string; out?: NodeJS.WritableStream; err?: NodeJS.WritableStream }

export interface AnalyzeOutcome { analysisId: string; status: string; moments: any[] }

function bar(done: number, total: number, width = 24): string {
  const n = total ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}]`;
}

async function api(o: AnalyzeOptions, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${o.gateway}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(init.headers as Record<string, string>) } }).catch((e) => {
    throw new CliError(`cannot reach the gateway at ${o.gateway}: ${(e as Error).message}`);
  });
  const body: any = await res.json().catch(() => undefined);
  if (!res.ok) throw new CliError(`${init.method ?? 'GET'} ${path}: ${res.status} ${body?.detail ?? body?.title ?? ''}`.trim());
  return body;
}

/** Follows /v1/analyses/:id/stream until done, drawing a progress line on stderr. */
function follow(o: AnalyzeOptions, analysisId: string): Promise<string> {
  const err = o.err ?? process.stderr;
  return new Promise((resolve, reject) => {
    const url = `${o.gateway}/v1/analyses/${analysisId}/stream${o.token ? `?access_token=${encodeURIComponent(o.token)}` : ''}`;
    const es = new EventSource(url);
    let moments = 0;
    const draw = (p: any) => {
      const wallets = Object.values<any>(p.progress?.wallets ?? {});
      const done = wallets.filter((w) => w.stage === 'completed' || w.stage === 'failed').length;
      const tx = wallets.reduce((n, w) => n + (w.transactions ?? 0), 0);
      if (!o.json) err.write(`\r${bar(done, wallets.length)} ${done}/${wallets.length} wallets · ${tx} transactions · ${moments} moments · ${p.status}   `);
    };
    let last: any;
    es.addEventListener('progress', (e) => { last = JSON.parse(e.data); draw(last); });
    es.addEventListener('moment', () => { moments++; if (last) draw(last); });
    es.addEventListener('done', () => { es.close(); if (!o.json) err.write('\n'); resolve('completed'); });
    es.addEventListener('error', (e: any) => {
      if (e?.data) { es.close(); resolve('failed'); return; }
      if (es.readyState === EventSource.CLOSED) reject(new CliError(`the stream of analysis ${analysisId} closed: ${e?.message ?? 'connection lost'}`));
    });
  });
}

/** `oof analyze W… [--follow] [--json]`: start an analysis through the gateway, follow it, print its moments. */
export async function analyze(o: AnalyzeOptions): Promise<AnalyzeOutcome> {
  if (o.wallets.length === 0) throw new CliError('give at least one wallet address');
  const started = await api(o, '/v1/analyze', { method: 'POST', body: JSON.stringify({ wallets: o.wallets }) });
  const out = o.out ?? process.stdout;
  if (!o.follow) {
    if (o.json) out.write(`${JSON.stringify(started)}\n`);
    else out.write(`analysis ${started.analysisId} started; follow it with oof analyze --follow or GET ${started.links.self}\n`);
    return { analysisId: started.analysisId, status: 'running', moments: [] };
  }
  const status = await follow(o, started.analysisId);
  const moments: any[] = [];
  for (const w of started.wallets) {
    let cursor: string | null = null;
    do {
      const page: any = await api(o, `/v1/moments?wallet=${w}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      moments.push(...page.moments);
      cursor = page.nextCursor;
    } while (cursor);
  }
  moments.sort((a, b) => a.at.localeCompare(b.at));
  if (o.json) out.write(`${JSON.stringify({ analysisId: started.analysisId, status, moments }, null, 2)}\n`);
  else out.write(`${momentTable(moments, o.gateway)}\n`);
  return { analysisId: started.analysisId, status, moments };
}

export function momentTable(moments: any[], gateway: string, cardPaths: Record<string, string> = {}): string {
  if (moments.length === 0) return 'no moments found';
  const rows = moments.map((m) => {
    const e = m.explain ?? {};
    const extreme = e.peakPrice ?? e.troughPrice;
    return [
      m.kind, m.token?.symbol ?? tokenLabel(m.mint), humanDate(m.at), e.tradePrice ? humanPrice(e.tradePrice) : '–', extreme ? humanPrice(extreme) : '–',
      humanUsd(m.missedUsd), `${Math.round(Number(m.severity) * 100)}%`, m.status, cardPaths[m.id] ?? `${gateway}${m.cardUrl}`,
    ];
  });
  const head = ['kind', 'token', 'date', 'trade price', 'peak/trough', 'missed', 'severity', 'status', 'card'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
