import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../lib/db';
import { stopProcess } from '../lib/processes';
import { SolanaRpcReplayServer } from '../lib/replay/solana-rpc-server';
import { syntheticHistory } from '../lib/replay/synthetic-history';
import { spawnWorkerProcess, startBenchEnv } from './env';
import type { BenchResult } from './machine';
import { analyzeWallets } from '../workflows';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(ROOT, 'fixtures');
const WALLET = 'BSckwE8C23KskbMZg6qCKnhbxBPmoYp9zSWUWxzfqe6T';

function template(rel: string): any {
  let j = JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8'));
  if (Array.isArray(j)) j = j[0];
  if ('result' in j) j = j.result;
  return j;
}

/** A wallet with `count` transactions served by the local JSON-RPC server, backfilled end to end through Temporal. */
export async function backfillBench(opts: { count?: number } = {}): Promise<BenchResult> {
  const count = opts.count ?? 10_000;
  const env = await startBenchEnv();
  const rpc = new SolanaRpcReplayServer();
  rpc.add(syntheticHistory({
    wallet: WALLET,
    count,
    templates: ['transactions/metamask/swap-usdc-to-jup.json', 'transactions/metamask/swap-sol-to-sahur.json', 'transactions/txparser/pumpfun_sell_0.json', 'transactions/txparser/jupiterAggregatorV6_Route_1.json'].map(template),
  }));
  await rpc.start();
  const worker = await spawnWorkerProcess({ DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, RPC_PRIMARY: rpc.url, RPC_CONCURRENCY: '32' });
  const connection = await Connection.connect({ address: env.temporal.address });
  try {
    const client = new Client({ connection });
    const analysisId = '01BENCHBACKF111000000000AA';
    const started = Date.now();
    const summary: any = await client.workflow.execute(analyzeWallets, { taskQueue: 'oof', workflowId: `analysis/${analysisId}`, args: [{ analysisId, wallets: [WALLET] }] });
    const seconds = (Date.now() - started) / 1000;
    const db = createDb(env.databaseUrl, { poolMax: 1 });
    const links = Number((await db('wallet_transactions').where({ wallet: WALLET }).count({ n: '*' }).first())?.n);
    const actions = Number((await db('actions').where({ wallet: WALLET }).count({ n: '*' }).first())?.n);
    await db.destroy();
    return {
      name: 'backfill through Temporal (local JSON-RPC server)',
      figures: {
        transactions: count,
        'stored links': links,
        'action rows': actions,
        'wallet transactions reported': summary.wallets[0].transactions,
        seconds: Math.round(seconds * 10) / 10,
        'tx/s': Math.round(count / seconds),
        'getTransaction calls': rpc.calls.getTransaction ?? 0,
      },
      target: `${count.toLocaleString('en')} transactions in ≤ 60 s`,
      pass: seconds <= 60 && links === count,
    };
  } finally {
    await connection.close();
    await stopProcess(worker);
    await rpc.stop();
    await env.stop();
  }
}
