import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createIngestionActivities, type IngestResult } from '../../activities/ingestion/backfill-activities';
import { SolanaRpcClient } from '../../adapters/chain/solana-rpc';
import type { Db } from '../../lib/db';
import { SolanaRpcReplayServer } from '../../lib/replay/solana-rpc-server';
import { syntheticHistory } from '../../lib/replay/synthetic-history';
import { testDb } from '../helpers/env';
import { readJson, unwrap } from '../helpers/fixtures';

const templates = ['transactions/metamask/swap-usdc-to-jup.json', 'transactions/txparser/pumpfun_sell_0.json'].map((f) => unwrap(readJson(f)));

/**
 * The backfill's ingestion activity in @temporalio/testing's MockActivityEnvironment: what it heartbeats, what a
 * cancellation leaves behind, and that the retry after it does only what is left (the page's cursor is the set of
 * signatures already stored), against a real Postgres and a local JSON-RPC server.
 */
describe('ingestSignatures in an activity context: progress heartbeats, cancellation, retry', () => {
  const server = new SolanaRpcReplayServer();
  let db: Db;
  let rpc: SolanaRpcClient;
  beforeAll(async () => {
    db = testDb();
    await server.start();
    rpc = new SolanaRpcClient({ url: server.url, retryBaseMs: 10 });
  });
  afterAll(async () => {
    await server.stop();
    await db?.destroy();
  });

  const history = (count: number) => {
    const wallet = bs58.encode(randomBytes(32));
    const txs = syntheticHistory({ wallet, count, templates });
    server.add(txs);
    return { wallet, signatures: txs.map((t) => t.transaction.signatures[0] as string) };
  };
  const stored = async (wallet: string) => Number((await db('wallet_transactions').where({ wallet }).count({ n: '*' }).first())?.n ?? 0);

  it('heartbeats its progress after each stored chunk of 50', async () => {
    const { wallet, signatures } = history(120);
    const env = new MockActivityEnvironment({ attempt: 1 });
    const beats: unknown[] = [];
    env.on('heartbeat', (d) => beats.push(d));
    const result = await env.run(createIngestionActivities({ db, rpc }).ingestSignatures, wallet, signatures);
    expect(result).toEqual<IngestResult>({ requested: 120, alreadyKnown: 0, stored: 120, missing: 0, actions: expect.any(Number) });
    expect(beats).toEqual([{ done: 50, of: 120 }, { done: 100, of: 120 }, { done: 120, of: 120 }]);
    expect(await stored(wallet)).toBe(120);
  });

  it('a cancelled attempt keeps the chunks it stored, and the retry fetches only the rest', async () => {
    const { wallet, signatures } = history(130);
    const first = new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') }); // its failure is expected
    first.on('heartbeat', () => first.cancel()); // right after the first chunk is stored
    const fetchedBefore = server.calls.getTransaction ?? 0;
    await expect(first.run(createIngestionActivities({ db, rpc }).ingestSignatures, wallet, signatures)).rejects.toThrow();
    expect(await stored(wallet)).toBe(50);
    const fetchedByFirst = (server.calls.getTransaction ?? 0) - fetchedBefore;
    expect(fetchedByFirst).toBeGreaterThanOrEqual(50);

    const retry = new MockActivityEnvironment({ attempt: 2 });
    const beats: unknown[] = [];
    retry.on('heartbeat', (d) => beats.push(d));
    const result = await retry.run(createIngestionActivities({ db, rpc }).ingestSignatures, wallet, signatures);
    expect(result).toMatchObject({ requested: 130, alreadyKnown: 50, stored: 80, missing: 0 });
    expect(beats).toEqual([{ done: 50, of: 80 }, { done: 80, of: 80 }]);
    expect((server.calls.getTransaction ?? 0) - fetchedBefore - fetchedByFirst).toBe(80);
    expect(await stored(wallet)).toBe(130);
  });
});
