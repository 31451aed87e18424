import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Semaphore } from '../adapters/http/retry';
import { mintServiceToken } from '../gateway/auth/service-token';
import { createDb } from '../lib/db';
import { startProductionStack } from '../lib/production-stack';
import { demoAddress } from '../lib/replay/demo-dataset';
import { MarketReplayServer } from '../lib/replay/market-server';
import { SolanaRpcReplayServer } from '../lib/replay/solana-rpc-server';
import { syntheticHistory } from '../lib/replay/synthetic-history';
import { lowFreePort } from '../lib/temporal-server';
import { OofWorkflows } from '../temporal/client';
import { analysisWorkflowId, backfillWorkflowId, walletAnalysisWorkflowId, watchWorkflowId } from '../temporal/config';
import type { BenchResult } from './machine';
import { mintName, storeTrades, walletName } from './watches';

const SECRET = 'scale-app-secret-scale-app-secret-0123456789';
const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

function template(rel: string): any {
  let j = JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8'));
  if (Array.isArray(j)) j = j[0];
  return 'result' in j ? j.result : j;
}

/** Workflow and activity tasks per worker identity, from the workflows' own histories (what the server handed out). */
async function tasksByWorker(client: Client, ids: string[]): Promise<Record<string, { workflowTasks: number; activityTasks: number }>> {
  const out: Record<string, { workflowTasks: number; activityTasks: number }> = {};
  const gate = new Semaphore(16);
  await Promise.all(ids.map((id) => gate.run(async () => {
    const history = await client.workflow.getHandle(id).fetchHistory();
    for (const e of history.events ?? []) {
      const wf = e.workflowTaskStartedEventAttributes?.identity;
      const act = e.activityTaskStartedEventAttributes?.identity;
      for (const [who, key] of [[wf, 'workflowTasks'], [act, 'activityTasks']] as const) {
        if (!who) continue;
        out[who] ??= { workflowTasks: 0, activityTasks: 0 };
        out[who][key]++;
      }
    }
  })));
  return out;
}

/**
 * `npm run bench -- scale`: the same work on the production shape with one worker process, then with two, on the same
 * kind of server (the real Temporal server and the app on an embedded Postgres of their own): (1) a 25-wallet
 * backfill (SCALE_TX_PER_WALLET synthetic transactions each, from the local JSON-RPC server), (2) SCALE_WATCHES open
 * watches started and armed, then every one woken by a price move past its trigger. Task counts per worker are read
 * from the histories.
 */
export async function scaleBench(): Promise<BenchResult[]> {
  const perWallet = Number(process.env.SCALE_TX_PER_WALLET ?? 200);
  const watchCount = Number(process.env.SCALE_WATCHES ?? 1000);
  const mints = 20;
  const templates = ['transactions/metamask/swap-usdc-to-jup.json', 'transactions/metamask/swap-sol-to-sahur.json', 'transactions/txparser/pumpfun_sell_0.json', 'transactions/txparser/jupiterAggregatorV6_Route_1.json'].map(template);
  const results: BenchResult[] = [];
  for (const workers of [1, 2]) {
    const rpc = new SolanaRpcReplayServer();
    const wallets = Array.from({ length: 25 }, (_, i) => demoAddress(70_000 + 100 * workers + i));
    for (const wallet of wallets) rpc.add(syntheticHistory({ wallet, count: perWallet, templates }));
    const market = new MarketReplayServer();
    for (let m = 0; m < mints; m++) market.setToken(mintName(m), { decimals: 6, live: '1' });
    await rpc.start();
    await market.start();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oof-scale-'));
    const stack = await startProductionStack({
      dataDir, embeddedPostgresPort: await lowFreePort(), temporalPort: await lowFreePort(), uiPort: false, freePorts: true, silent: true, workers, log: () => undefined,
      env: {
        APP_SECRET: SECRET, HELIUS_WEBHOOK_AUTH: 'scale-webhook-auth-0123456789', ALERTS_ENCRYPTION_KEY: '5c'.repeat(32), SERVICE_IDS: 'scale', LOG_LEVEL: 'warn', DATA_DIR: dataDir,
        RPC_PRIMARY: rpc.url, RPC_CONCURRENCY: '32', JUPITER_BASE_URL: market.url, PRICE_REFRESH_EVERY_MS: '2000',
        RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: '1000', ANALYSES_PER_USER_PER_DAY: '10000',
      },
    });
    const connection = await Connection.connect({ address: stack.temporal.address });
    const client = new Client({ connection });
    const db = createDb(stack.databaseUrl, { poolMax: 2 });
    try {
      const auth = { authorization: `Bearer ${mintServiceToken(SECRET, 'scale')}` };
      const t0 = Date.now();
      const res = await fetch(`${stack.gateways[0]!.url}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ wallets }) });
      const { analysisId } = (await res.json()) as { analysisId: string };
      const analysis = client.workflow.getHandle(analysisWorkflowId(analysisId));
      await analysis.result();
      const backfillS = (Date.now() - t0) / 1000;
      const children = [analysis.workflowId, ...wallets.flatMap((w) => [walletAnalysisWorkflowId(analysisId, w), backfillWorkflowId(w)])];
      const backfillTasks = await tasksByWorker(client, children);

      // Watches: sells of 100 tokens at $1 over `mints` mints, one postTradeWatch each, then every mint +50 %.
      const workflows = new OofWorkflows(client, 'oof');
      await storeTrades(db, 0, watchCount, mints, Date.now() - 60_000);
      const t1 = Date.now();
      const gate = new Semaphore(32);
      const ids: string[] = [];
      await Promise.all(Array.from({ length: watchCount }, (_, i) => gate.run(async () => {
        const w = { wallet: walletName(i % 1000), signature: `bw${i}`, mint: mintName(i % mints), side: 'sell' as const, atMs: Date.now() - 60_000, tradePrice: '1', quantity: '100', windowMs: 3_600_000 };
        await workflows.startWatch(w);
        ids.push(watchWorkflowId(w));
      })));
      const count = async (q: string) => Number(((await db('price_alarms').whereRaw(q).count({ n: '*' }).first()) as any).n);
      for (const until = Date.now() + 600_000; (await count('true')) < watchCount;) {
        if (Date.now() > until) throw new Error('watches not armed within 10 minutes');
        await new Promise((r) => setTimeout(r, 250));
      }
      const armS = (Date.now() - t1) / 1000;
      const t2 = Date.now();
      for (let m = 0; m < mints; m++) market.setLive(mintName(m), '1.5');
      for (const until = Date.now() + 600_000; (await count('step >= 1')) < watchCount;) {
        if (Date.now() > until) throw new Error('crossings not judged within 10 minutes');
        await new Promise((r) => setTimeout(r, 250));
      }
      const crossS = (Date.now() - t2) / 1000;
      const watchTasks = await tasksByWorker(client, ids);
      const fmt = (t: Record<string, { workflowTasks: number; activityTasks: number }>) =>
        Object.entries(t).sort().map(([who, c]) => `${who} ${c.workflowTasks} wf / ${c.activityTasks} act`).join(' · ');
      results.push({
        name: `scale: ${workers} worker process${workers > 1 ? 'es' : ''}`,
        figures: {
          'backfill: wallets × tx': `25 × ${perWallet}`,
          'backfill s': Math.round(backfillS * 10) / 10,
          'backfill tx/s': Math.round((25 * perWallet) / backfillS),
          'backfill tasks per worker': fmt(backfillTasks),
          'watches started and armed': watchCount,
          'watches armed per s': Math.round(watchCount / armS),
          'crossings judged per s': Math.round(watchCount / crossS),
          'watch tasks per worker': fmt(watchTasks),
        },
      });
      console.error(`[scale] ${JSON.stringify(results[results.length - 1])}`);
    } finally {
      await connection.close();
      await db.destroy();
      await stack.stop();
      await rpc.stop();
      await market.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return results;
}
