/**
 * Records histories of representative runs into test/fixtures/histories/, for the replay test that guards workflow
 * determinism: a code change that would break running workflows fails `npm test`. Re-run it (and commit the files)
 * only when a change to workflow code is meant to be incompatible, with a versioning plan for the running ones.
 *   node --import tsx scripts/export-histories.ts   (needs Postgres: DATABASE_URL or 127.0.0.1:5432)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE, walletActorWorkflowId } from '../temporal/config';
import { createDb, migrateLatest } from '../lib/db';
import { createLogger } from '../lib/logger';
import { demoDataset, DEMO_WALLETS } from '../lib/replay/demo-dataset';
import { fakeSignature, prng } from '../lib/replay/synthetic-history';
import { MarketReplayServer } from '../lib/replay/market-server';
import { SolanaRpcReplayServer } from '../lib/replay/solana-rpc-server';
import { freePort, startDevServer } from '../lib/temporal-dev-server';
import { createWorker } from '../workers/run-worker';
import { analyzeWallets, maintenance, postTradeWatch, reconcileWallets, refreshPrices, transactionsSignal, walletActor } from '../workflows';

async function main(): Promise<void> {
  // HISTORIES_OUT writes them elsewhere (to add one new kind of run beside the recorded ones).
  const out = process.env.HISTORIES_OUT ?? path.resolve(__dirname, '../test/fixtures/histories');
  mkdirSync(out, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'oof-histories-'));
  const temporal = await startDevServer({ dbFile: path.join(tmp, 't.sqlite'), port: await freePort(), headless: true });
  const admin = createDb(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { poolMax: 1 });
  const name = `oof_hist_${Date.now()}`;
  await admin.raw('create database ??', [name]);
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { poolMax: 5 });
  await migrateLatest(db);
  const { transactions, prices } = demoDataset();
  const rpc = new SolanaRpcReplayServer();
  rpc.add(transactions);
  await rpc.start();
  const market = new MarketReplayServer();
  for (const [mint, pts] of Object.entries(prices)) market.setToken(mint, { decimals: 6, history: pts, live: pts[pts.length - 1]![1] });
  await market.start();
  const log = createLogger('histories', 'warn');
  const parts = await createWorker({ temporalAddress: temporal.address, namespace: 'default', taskQueue: DEFAULT_TASK_QUEUE, db, log, rpcUrl: rpc.url, jupiterBaseUrl: market.url, historyProvider: { name: 'birdeye', baseUrl: market.url, apiKey: 'x' } });
  const running = parts.run();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  try {
    const wallet = DEMO_WALLETS.bagHolder;
    await client.workflow.execute(analyzeWallets, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: 'analysis/01HISTORY00000000000000000', args: [{ analysisId: '01HISTORY00000000000000000', wallets: [wallet], options: { pageSize: 1, pagesPerRun: 1 } }] });
    const actor = await client.workflow.signalWithStart(walletActor, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: walletActorWorkflowId(wallet), args: [{ wallet, quietPeriodMs: 1500 }], signal: transactionsSignal, signalArgs: [{ signatures: transactions.map((t) => t.transaction.signatures[0]) }] });
    await actor.result();
    // The other demo wallet, never analysed: its actor links and judges everything itself, in two batches (two
    // signals a moment apart), so a live batch's side work and its patches are recorded more than once.
    const other = DEMO_WALLETS.paperHands;
    const mine: string[] = transactions.filter((t) => JSON.stringify(t.transaction.message).includes(other)).map((t) => t.transaction.signatures[0]);
    const half = Math.ceil(mine.length / 2);
    const live = await client.workflow.signalWithStart(walletActor, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: walletActorWorkflowId(other), args: [{ wallet: other, quietPeriodMs: 1500 }], signal: transactionsSignal, signalArgs: [{ signatures: mine.slice(0, half) }] });
    await new Promise((r) => setTimeout(r, 700));
    await live.signal(transactionsSignal, { signatures: mine.slice(half) });
    await live.result();
    // A wallet trading now: three fresh swaps (the real Jupiter sample, stored as the webhook stores it) in one
    // signal, one per batch, so the actor holds the first batches' watches back while the next batch waits and
    // starts them together once it has caught up.
    const trader = 'Fq7mT2xK9vB4nD8cF3wL6yP1sJ5gZ8aU2eQ7oV4kN9Z';
    const sample = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/apis/helius-enhanced-swap-jupiter.json'), 'utf8'));
    const rand = prng(730_001);
    const fresh = Array.from({ length: 3 }, (_, i) => ({ ...JSON.parse(JSON.stringify(sample).split(sample.feePayer).join(trader)), signature: fakeSignature(rand), slot: sample.slot + i, timestamp: Math.floor(Date.now() / 1000) - 30 + i }));
    market.setToken('So11111111111111111111111111111111111111112', { decimals: 9, live: '150' });
    for (const t of fresh) await db('transactions').insert({ signature: t.signature, slot: t.slot, block_time: new Date(t.timestamp * 1000), fee_lamports: String(t.fee), failed: false, source: 'helius-webhook-enhanced', raw: JSON.stringify(t), dispatched_at: new Date() });
    const busy = await client.workflow.signalWithStart(walletActor, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: walletActorWorkflowId(trader), args: [{ wallet: trader, quietPeriodMs: 1500, batchSize: 1, watch: { windowMs: 3000 } }], signal: transactionsSignal, signalArgs: [{ signatures: fresh.map((t) => t.signature) }] });
    await busy.result();
    // A watch woken by the refresh once (its price falls through the BHD trigger), then finalised at its end.
    const jup = 'JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN';
    const watchId = `watch/${wallet}/history/${jup}`;
    const watch = await client.workflow.start(postTradeWatch, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: watchId, args: [{ wallet, signature: transactions[3].transaction.signatures[0], mint: jup, side: 'buy', atMs: Date.now(), tradePrice: '0.5', quantity: '1000', windowMs: 6000 }] });
    for (let i = 0; i < 50 && !(await db('price_alarms').where({ watch_id: watchId }).first()); i++) await new Promise((r) => setTimeout(r, 100));
    market.setLive(jup, '0.1');
    await client.workflow.execute(refreshPrices, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: 'refresh/history' });
    await watch.result();
    await client.workflow.execute(reconcileWallets, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: 'reconcile/history', args: [{}] });
    await client.workflow.execute(maintenance, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: 'maintenance/history', args: [{}] });
    const ids: Array<[string, string]> = [];
    for await (const wf of client.workflow.list()) ids.push([wf.workflowId, wf.runId]);
    let n = 0;
    for (const [workflowId, runId] of ids) {
      const json = execFileSync(temporal.cli, ['workflow', 'show', '--address', temporal.address, '--workflow-id', workflowId, '--run-id', runId, '--output', 'json']).toString();
      const file = `${workflowId.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 80)}-${runId.slice(0, 8)}.json`;
      writeFileSync(path.join(out, file), json);
      n++;
    }
    console.log(`wrote ${n} histories to ${out}`);
  } finally {
    parts.shutdown();
    await running;
    await parts.close();
    await connection.close();
    await rpc.stop();
    await market.stop();
    await db.destroy();
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
    await temporal.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
