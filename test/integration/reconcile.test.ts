import { syntheticHistory } from '../../lib/replay/synthetic-history';
import { defaultSchedules, ensureSchedules } from '../../workers/schedules';
import { testLog, useWorkerOnReplayChain } from '../helpers/env';
import { expectedActionRows, storedActionRows } from '../helpers/expected-rows';
import { readJson, unwrap } from '../helpers/fixtures';
import { analyzeWallets, reconcileWallets } from '../../workflows';

const WALLET = 'GjJyeC1r2RgkuoCWMyPYkCWSGSGLcz266EaAkLA27AhL';

describe('reconciliation: a scheduled gap fill of tracked wallets', () => {
  const env = useWorkerOnReplayChain('reconcile');
  const { rpc, queue } = env;

  it('ingests the transactions that arrived while no webhook told us, and only those', async () => {
    const history = syntheticHistory({ wallet: WALLET, count: 80, templates: [unwrap(readJson('transactions/metamask/swap-usdc-to-jup.json')), unwrap(readJson('transactions/txparser/pumpfun_buy_1.json'))] });
    const older = history.slice(30); // what existed at analysis time
    const missed = history.slice(0, 30); // newer ones whose webhooks were lost
    rpc.add(older);
    const analysisId = '01RECONC1LE0000000000000AA';
    await env.client.workflow.execute(analyzeWallets, { taskQueue: queue, workflowId: `analysis/${analysisId}`, args: [{ analysisId, wallets: [WALLET] }] });
    expect((await storedActionRows(env.db, WALLET)).length).toBe(expectedActionRows(older, WALLET).length);
    const cursor = (await env.db('tracked_wallets').where({ wallet: WALLET }).first()).reconciled_until;
    expect(cursor).toBe(older[0].transaction.signatures[0]);

    rpc.add(missed);
    const listed = rpc.calls.getSignaturesForAddress ?? 0;
    const summary = await env.client.workflow.execute(reconcileWallets, { taskQueue: queue, workflowId: `reconcile-test-${Date.now()}`, args: [{ maxWallets: 1000 }] });
    expect(summary.filled).toBeGreaterThanOrEqual(30);
    expect(await storedActionRows(env.db, WALLET)).toEqual(expectedActionRows(history, WALLET));
    expect((rpc.calls.getSignaturesForAddress ?? 0) - listed).toBeGreaterThanOrEqual(1);
    expect((await env.db('tracked_wallets').where({ wallet: WALLET }).first()).reconciled_until).toBe(history[0].transaction.signatures[0]);

    // Nothing new: the next gap fill lists one short page and stores nothing for this wallet.
    const backfill = env.client.workflow.getHandle(`backfill/${WALLET}`);
    await env.client.workflow.execute(reconcileWallets, { taskQueue: queue, workflowId: `reconcile-test-${Date.now()}-2`, args: [{ maxWallets: 1000 }] });
    expect(await backfill.result()).toMatchObject({ stored: 0, signatures: 0 });
  });

  it('creates its schedule once, however many workers start, with overlap SKIP', async () => {
    const defs = defaultSchedules({ reconcileEveryMs: 3_600_000, priceRefreshEveryMs: 60_000 }).filter((d) => d.scheduleId === 'reconcile-wallets').map((d) => ({ ...d, scheduleId: `${d.scheduleId}-${queue}` }));
    expect(await ensureSchedules(env.client, queue, defs, testLog)).toEqual([defs[0]!.scheduleId]);
    expect(await ensureSchedules(env.client, queue, defs, testLog)).toEqual([]);
    const handle = env.client.schedule.getHandle(defs[0]!.scheduleId);
    const d = await handle.describe();
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileWallets', taskQueue: queue });
    await handle.pause('operator test');
    await ensureSchedules(env.client, queue, defs, testLog);
    expect((await handle.describe()).state.paused).toBe(true); // a restart does not undo an operator's pause
    await handle.delete();
  });
});
