import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import bs58 from 'bs58';
import { createDb } from '../lib/db';
import { stopProcess } from '../lib/processes';
import { SolanaRpcReplayServer } from '../lib/replay/solana-rpc-server';
import { syntheticHistory } from '../lib/replay/synthetic-history';
import { spawnWorkerProcess, startBenchEnv } from './env';
import { compare, interleave } from './ceiling';
import type { BenchResult } from './machine';
import { analyzeWallets } from '../workflows';
import { analysisWorkflowId, DEFAULT_TASK_QUEUE } from '../temporal/config';

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
/** The floor of a backfill: the same signatures and transactions fetched from the same server at the same concurrency, read and dropped. */
async function fetchOnly(url: string, wallet: string, concurrency: number): Promise<number> {
  const rpc = async (method: string, params: unknown[]) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return ((await res.json()) as any).result;
  };
  const signatures: string[] = [];
  for (let before: string | undefined; ;) {
    const page: Array<{ signature: string }> = await rpc('getSignaturesForAddress', [wallet, { limit: 1000, ...(before ? { before } : {}) }]);
    signatures.push(...page.map((p) => p.signature));
    if (page.length < 1000) break;
    before = page[page.length - 1]!.signature;
  }
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < signatures.length) await rpc('getTransaction', [signatures[next++]!, { encoding: 'json', maxSupportedTransactionVersion: 0 }]);
  }));
  return signatures.length;
}

/**
 * Wallets of `count` transactions served by the local JSON-RPC server, each backfilled end to end through Temporal,
 * interleaved with its ceiling: the same transactions only fetched, at the same concurrency.
 */
export async function backfillBench(opts: { count?: number; pairs?: number } = {}): Promise<BenchResult> {
  const count = opts.count ?? 10_000;
  const pairs = opts.pairs ?? Number(process.env.BENCH_PAIRS ?? 3);
  const concurrency = 32;
  const env = await startBenchEnv();
  const rpc = new SolanaRpcReplayServer();
  // A wallet per pair: a wallet backfilled once has nothing left to fetch.
  const wallets = Array.from({ length: pairs }, (_, i) => (i === 0 ? WALLET : bs58.encode(Buffer.alloc(32, i + 1))));
  const templates = ['transactions/metamask/swap-usdc-to-jup.json', 'transactions/metamask/swap-sol-to-sahur.json', 'transactions/txparser/pumpfun_sell_0.json', 'transactions/txparser/jupiterAggregatorV6_Route_1.json'].map(template);
  for (const wallet of wallets) rpc.add(syntheticHistory({ wallet, count, templates }));
  await rpc.start();
  const worker = await spawnWorkerProcess({ DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, RPC_PRIMARY: rpc.url, RPC_CONCURRENCY: String(concurrency) });
  const connection = await Connection.connect({ address: env.temporal.address });
  try {
    const client = new Client({ connection });
    const summaries: any[] = [];
    const s = await interleave(pairs, async (i) => {
      const analysisId = `01BENCHBACKF111000000000A${'ABCDEFGHJK'[i]}`;
      const started = Date.now();
      summaries.push(await client.workflow.execute(analyzeWallets, { taskQueue: DEFAULT_TASK_QUEUE, workflowId: analysisWorkflowId(analysisId), args: [{ analysisId, wallets: [wallets[i]!] }] }));
      return count / ((Date.now() - started) / 1000);
    }, async (i) => {
      const started = Date.now();
      const n = await fetchOnly(rpc.url, wallets[i]!, concurrency);
      if (n !== count) throw new Error(`the ceiling fetched ${n} of ${count} signatures`);
      return count / ((Date.now() - started) / 1000);
    });
    const db = createDb(env.databaseUrl, { poolMax: 1 });
    const links = Number((await db('wallet_transactions').whereIn('wallet', wallets).count({ n: '*' }).first())?.n);
    const actions = Number((await db('actions').where({ wallet: WALLET }).count({ n: '*' }).first())?.n);
    await db.destroy();
    const rate = compare(s, 'backfill tx/s through Temporal ÷ fetch-only tx/s (same server, same concurrency)');
    return {
      name: 'backfill through Temporal (local JSON-RPC server)',
      figures: {
        transactions: count,
        'wallets (one per pair)': pairs,
        'stored links (all wallets)': links,
        'action rows (first wallet)': actions,
        'wallet transactions reported': summaries[0].wallets[0].transactions,
        'seconds per wallet': Math.round((count / rate.figure.ours) * 10) / 10,
        'tx/s': rate.figure,
        'getTransaction calls (both sides)': rpc.calls.getTransaction ?? 0,
      },
      ratio: { 'tx/s': rate.ratio },
      target: `${count.toLocaleString('en')} transactions in ≤ 60 s (ratio to fetch-only reported)`,
      pass: count / rate.figure.ours <= 60 && links === count * pairs,
    };
  } finally {
    await connection.close();
    await stopProcess(worker);
    await rpc.stop();
    await env.stop();
  }
}
