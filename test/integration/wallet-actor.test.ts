import { eventually, useWorkerOnReplayChain } from '../helpers/env';
import { expectedActionRows, storedActionRows } from '../helpers/expected-rows';
import { enhancedSwaps } from '../helpers/enhanced';
import { syntheticHistory } from '../../lib/replay/synthetic-history';
import { readJson, unwrap } from '../helpers/fixtures';
import { transactionsSignal, walletActor } from '../../workflows';

describe('walletActor', () => {
  const env = useWorkerOnReplayChain('actor');
  const { rpc, queue } = env;

  it('ingests hundreds of signals across continue-as-new without losing or repeating one', async () => {
    const wallet = 'DgsG1iyXhZJTKWtczsS2uC2XrkLQCbS5Aw5AkhhGyGka';
    const txs = enhancedSwaps(wallet, 400, 7);
    // Stored as the webhook stores them, then announced one signal per transaction (some twice).
    await env.db('transactions').insert(txs.map((t) => ({ signature: t.signature, slot: t.slot, block_time: new Date(t.timestamp * 1000), fee_lamports: String(t.fee), failed: false, source: 'helius-webhook-enhanced', raw: JSON.stringify(t), dispatched_at: new Date() })));
    const id = `wallet/${wallet}-can`;
    const handle = await env.client.workflow.signalWithStart(walletActor, {
      workflowId: id, taskQueue: queue, args: [{ wallet, quietPeriodMs: 3000, batchSize: 7 }],
      signal: transactionsSignal, signalArgs: [{ signatures: [txs[0]!.signature] }],
    });
    for (let i = 0; i < txs.length; i += 10) {
      await Promise.all(txs.slice(i, i + 10).map((t) => handle.signal(transactionsSignal, { signatures: [t.signature] })));
      if (i % 50 === 0) await handle.signal(transactionsSignal, { signatures: [txs[i]!.signature] }); // a duplicate
    }
    await eventually(async () => ((await storedActionRows(env.db, wallet)).length >= 400 ? true : undefined), 60_000, 200);
    expect(await storedActionRows(env.db, wallet)).toEqual(expectedActionRows(txs, wallet));
    const runs: string[] = [];
    for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(wf.runId);
    expect(runs.length).toBeGreaterThan(1); // it continued as new at least once
    // After the quiet period it ends by itself.
    const final = await env.client.workflow.getHandle(id).result();
    expect(final).toMatchObject({ pending: 0 });
  }, 120_000);

  it('continues as new once its history passes historyBytes, long before the server would suggest it', async () => {
    const wallet = '79cu2QNvp92chEmBhBgcUfERDT9KHnUcr8eiJb5WzKML';
    const txs = enhancedSwaps(wallet, 40, 11);
    await env.db('transactions').insert(txs.map((t) => ({ signature: t.signature, slot: t.slot, block_time: new Date(t.timestamp * 1000), fee_lamports: String(t.fee), failed: false, source: 'helius-webhook-enhanced', raw: JSON.stringify(t), dispatched_at: new Date() })));
    const id = `wallet/${wallet}-bounded`;
    const handle = await env.client.workflow.signalWithStart(walletActor, {
      workflowId: id, taskQueue: queue, args: [{ wallet, quietPeriodMs: 2000, batchSize: 4, historyBytes: 8_000 }],
      signal: transactionsSignal, signalArgs: [{ signatures: [txs[0]!.signature] }],
    });
    for (const t of txs.slice(1)) await handle.signal(transactionsSignal, { signatures: [t.signature] });
    await eventually(async () => ((await storedActionRows(env.db, wallet)).length >= 40 ? true : undefined), 60_000, 200);
    expect(await storedActionRows(env.db, wallet)).toEqual(expectedActionRows(txs, wallet));
    const runs: string[] = [];
    for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(wf.runId);
    expect(runs.length).toBeGreaterThan(1);
    expect(await env.client.workflow.getHandle(id).result()).toMatchObject({ pending: 0 });
  }, 120_000);

  it('fetches over RPC what was announced but not stored', async () => {
    const wallet = '2ojv9BAiHUrvsm9gxDe7fJSzbNZSJcxZvf8dqmWGHG8S';
    const txs = syntheticHistory({ wallet, count: 12, templates: [unwrap(readJson('transactions/metamask/swap-usdc-to-jup.json'))] });
    rpc.add(txs);
    const handle = await env.client.workflow.signalWithStart(walletActor, {
      workflowId: `wallet/${wallet}`, taskQueue: queue, args: [{ wallet, quietPeriodMs: 2000 }],
      signal: transactionsSignal, signalArgs: [{ signatures: txs.map((t) => t.transaction.signatures[0]) }],
    });
    expect(await handle.result()).toMatchObject({ processed: 12, swaps: 12, pending: 0 });
    expect(await storedActionRows(env.db, wallet)).toEqual(expectedActionRows(txs, wallet));
  });
});
