import { Client, Connection } from '@temporalio/client';
import { stopProcess } from '../lib/processes';
import { MarketReplayServer } from '../lib/replay/market-server';
import { spawnWorkerProcess, startBenchEnv } from './env';
import { percentile, type BenchResult } from './machine';
import { postTradeWatch } from '../workflows';

/**
 * `count` postTradeWatch workflows at once, polling every `pollMs` for `windowMs`, on one worker process against a
 * local Jupiter: how late the polls ran against their plan, and what each poll cost in workflow history.
 */
export async function watchesBench(opts: { count?: number; pollMs?: number; windowMs?: number } = {}): Promise<BenchResult> {
  const count = opts.count ?? 1000;
  const pollMs = opts.pollMs ?? 1000;
  const windowMs = opts.windowMs ?? 60_000;
  const env = await startBenchEnv();
  const market = new MarketReplayServer();
  for (let i = 0; i < 20; i++) market.setToken(`WatchMint${i}`, { decimals: 6, live: '1' });
  await market.start();
  const worker = await spawnWorkerProcess({ DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, JUPITER_BASE_URL: market.url, WATCH_SLOTS: String(count + 100) });
  const connection = await Connection.connect({ address: env.temporal.address });
  try {
    const client = new Client({ connection });
    const atMs = Date.now() + 10_000; // every watch starts polling at the same instant, the hardest case
    const handles = [];
    for (let i = 0; i < count; i += 50) {
      handles.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => client.workflow.start(postTradeWatch, {
        taskQueue: 'oof', workflowId: `watch/bench${i + k}/WatchMint${(i + k) % 20}`,
        args: [{ wallet: 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5', signature: `bench${i + k}`, mint: `WatchMint${(i + k) % 20}`, side: 'sell', atMs, tradePrice: '1', windowMs, pollMs, watchQueue: 'oof-watch', heartbeatTimeoutMs: 30_000 }],
      })))));
    }
    const results: any[] = await Promise.all(handles.map((h) => h.result()));
    const histories = await Promise.all(handles.slice(0, 20).map((h) => h.fetchHistory()));
    const eventsPerWatch = histories.reduce((n, h) => n + (h.events?.length ?? 0), 0) / histories.length;
    const polls = results.reduce((n, r) => n + r.polls, 0) / results.length;
    const avg = results.map((r) => r.lateMsAvg).sort((a, b) => a - b);
    const max = results.map((r) => r.lateMsMax).sort((a, b) => a - b);
    const p99Max = percentile(max, 99);
    return {
      name: `concurrent watches (${count} × poll ${pollMs} ms for ${windowMs / 1000} s)`,
      figures: {
        watches: count,
        'polls per watch': Math.round(polls),
        'lateness mean of means ms': Math.round(avg.reduce((a, b) => a + b, 0) / avg.length),
        'lateness p99 of means ms': percentile(avg, 99),
        'lateness max, p99 of watches ms': p99Max,
        'lateness max of all ms': max[max.length - 1]!,
        'history events per watch': Math.round(eventsPerWatch),
        'history events per poll': Math.round((eventsPerWatch / polls) * 100) / 100,
        'Jupiter price calls': market.calls['/price/v3'] ?? 0,
      },
      target: '≤ 3 history events per poll; polls keep their schedule (lateness well under one poll interval)',
      pass: eventsPerWatch / polls <= 3 && p99Max < pollMs,
    };
  } finally {
    await connection.close();
    await stopProcess(worker);
    await market.stop();
    await env.stop();
  }
}
