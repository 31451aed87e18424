/**
 * `npm run bench -- actor`: what one webhook batch of the live actor costs as the wallet's history grows. One wallet
 * makes 1,000 swaps, one per batch, each stored as the webhook stores it and then run through exactly the activities
 * walletActor runs for a batch (ingest, the batch's quotes, incremental detection, watches for the new trades), against
 * the real Postgres, a Temporal dev server (the watches are real workflows) and the local Jupiter/Birdeye server.
 * Figures: batch time at the 1st, 10th, 100th and 1,000th swap (median of 5 around each), and the same 1,000th batch
 * the way the actor ran it before (one quote after another, detection over the whole history, every open trade's
 * watch started again).
 */
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { createActivities } from '../activities';
import { createHistoryProvider } from '../adapters/pricing/history-providers';
import { JupiterClient } from '../adapters/pricing/jupiter';
import { createDb } from '../lib/db';
import { demoSwapTx, JUP, USDC } from '../lib/replay/demo-dataset';
import { MarketReplayServer } from '../lib/replay/market-server';
import { OofWorkflows } from '../temporal/client';
import { DEFAULTS } from '../temporal/config';
import { startBenchEnv } from './env';
import { atMost, reportRatio } from './ceiling';
import type { BenchResult } from './machine';

const SWAPS = Number(process.env.BENCH_ACTOR_SWAPS ?? 1000);
const WALLET = '7rhxnLV8C5Tb8yXvxbSP6bLqvbw9fXcDXuQzGUhiqTD9';

export async function actorBench(): Promise<BenchResult> {
  const env = await startBenchEnv();
  const market = new MarketReplayServer();
  market.setToken(USDC, { decimals: 6, live: '1' });
  market.setToken(JUP, { decimals: 6, live: '0.8', history: [[Date.now() - 10 * 86_400_000, '0.8']] });
  await market.start();
  const db = createDb(env.databaseUrl, { poolMax: 4 });
  const connection = await Connection.connect({ address: env.temporal.address });
  const temporal = new Client({ connection });
  try {
    const queue = 'bench-actor';
    const activities = createActivities({
      db, workflows: new OofWorkflows(temporal, queue), jupiter: new JupiterClient({ baseUrl: market.url }),
      history: createHistoryProvider('birdeye', { baseUrl: market.url, apiKey: 'bench' }),
    });
    const plan = { windowMs: DEFAULTS.watchWindowMs };
    const post = async (k: number) => {
      // Buys and sells of JUP in turn, 1 % short of the market now and then: what an active wallet does in a week.
      const buy = k % 2 === 0;
      const usdc = (100 + (k % 7) * 10).toFixed(2);
      const jup = ((Number(usdc) / 0.8) * (k % 10 === 0 ? 0.97 : 1)).toFixed(6);
      const sig = bs58.encode(randomBytes(64));
      const raw = demoSwapTx(WALLET, sig, new Date(Date.now() - 1000), 300_000_000 + k, buy ? { mint: USDC, amount: usdc } : { mint: JUP, amount: jup }, buy ? { mint: JUP, amount: jup } : { mint: USDC, amount: usdc });
      await db('transactions').insert({ signature: sig, slot: raw.slot, block_time: new Date(raw.blockTime * 1000), fee_lamports: String(raw.meta.fee), failed: false, source: 'helius-webhook-raw', raw: JSON.stringify(raw), dispatched_at: new Date() });
      return sig;
    };
    const before = () => market.calls['/defi/history_price'] ?? 0;
    const batch = async (sig: string) => {
      const t0 = performance.now();
      const found = (await activities.ingestAndDetect(WALLET, [sig], DEFAULTS.freshSwapMs)).detection!;
      if (found.openTrades.length) await activities.startWatches(found.openTrades, plan);
      return { ms: performance.now() - t0, mode: found.mode, read: found.transactionsRead };
    };
    const times: number[] = [];
    const modes: Record<string, number> = {};
    let historyCalls = 0;
    for (let k = 1; k <= SWAPS; k++) {
      const sig = await post(k);
      const calls = before();
      const r = await batch(sig);
      if (k > 1) historyCalls += before() - calls;
      times.push(r.ms);
      modes[r.mode] = (modes[r.mode] ?? 0) + 1;
    }
    const around = (k: number) => {
      const xs = times.slice(Math.max(0, k - 3), Math.min(times.length, k + 2)).sort((a, b) => a - b);
      return Math.round(xs[Math.floor(xs.length / 2)]!);
    };
    // The 1,000th batch as the actor ran it before: quotes one by one, the whole history, every open trade's watch.
    const sig = await post(SWAPS + 1);
    const t0 = performance.now();
    const result = await activities.ingestWalletTransactions(WALLET, [sig]);
    for (const s of result.swaps) await activities.takeRouteQuote({ signature: s.signature, inMint: s.sent.mint, inAmount: s.sent.amount, outMint: s.received.mint, inDecimals: s.sent.decimals, outDecimals: s.received.decimals });
    const found = await activities.detectWallet(WALLET);
    await activities.startWatches(found.openTrades, plan);
    const oldMs = Math.round(performance.now() - t0);
    const first = around(1);
    const last = around(SWAPS);
    return {
      name: `actor batch (one wallet, ${SWAPS} swaps, one per webhook batch)`,
      figures: {
        'batch ms at swap 1': first,
        'batch ms at swap 10': around(10),
        'batch ms at swap 100': around(100),
        [`batch ms at swap ${SWAPS}`]: last,
        [`old path ms at swap ${SWAPS + 1}`]: oldMs,
        'incremental batches': modes.incremental ?? 0,
        'full re-runs': modes.full ?? 0,
        'history calls per warm batch': Number((historyCalls / Math.max(1, SWAPS - 1)).toFixed(2)),
      },
      // The first batch is this run's own ceiling: a batch with no history to grow with.
      ratio: {
        [`batch at swap ${SWAPS}`]: reportRatio(last, first, `batch ms at swap ${SWAPS} ÷ batch ms at swap 1`, atMost(1.5, 20, 'ms')),
        'old path': reportRatio(oldMs, last, `old path ms at swap ${SWAPS + 1} ÷ batch ms at swap ${SWAPS}`),
      },
      target: `flat: batch at swap ${SWAPS} within 1.5× of swap 1 (+ 20 ms)`,
      pass: last <= first * 1.5 + 20,
    };
  } finally {
    await connection.close();
    await db.destroy();
    await market.stop();
    await env.stop();
  }
}
