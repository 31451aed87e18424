import { mintServiceToken } from '../../gateway/auth/service-token';
import { FaultHarness, type FaultFigures } from '../../lib/fault-harness';
import { testEnv } from '../helpers/env';

/**
 * The production shape (real Temporal server on Postgres, two workers, two gateways, the indexer) broken on purpose
 * (lib/fault-harness.ts; `npm run bench -- faults` is the longer run): each fault during a 25-wallet analysis and
 * webhook load, with wallet actors and open watches, each compared with an undisturbed run of the same trades on other
 * wallets — the same moments per wallet, every moment announced once, every accepted webhook stored once, the
 * watches and actors the same runs with the same state.
 */
describe('the production shape under faults', () => {
  const h = new FaultHarness({ temporalAdminUrl: testEnv().adminDatabaseUrl, mintServiceToken, batches: 20, batchSize: 50 });

  beforeAll(() => h.start(), 240_000);
  afterAll(() => h.stop(), 120_000);

  /** What every fault must end with. */
  function expectClean(f: FaultFigures): void {
    console.log(JSON.stringify(f));
    expect(f.analysis).toBe('completed');
    expect(f.momentsMatch).toBe(true);
    expect(f.duplicates).toBe(0);
    expect(f.accepted).toBe(20 * 50);
    expect(f.stored).toBe(f.accepted);
    expect(f.unexpected).toEqual([]);
    expect(f.watchesIntact).toBe(true);
  }

  it('an undisturbed 25-wallet analysis completes (the baseline the faults are compared with); live swaps open actors and watches', async () => {
    const baseline = await h.runBaseline();
    expect(baseline.moments).toBeGreaterThanOrEqual(25);
    expect(baseline.duplicates).toBe(0);
    expect(baseline.announced).toBe(baseline.moments);
    const state = await h.watchState();
    expect(Object.keys(state.watches).length).toBeGreaterThanOrEqual(h.liveWallets.length);
    expect(Object.values(state.actors).map((a) => a.status)).toEqual(h.liveWallets.map(() => 'RUNNING'));
  }, 300_000);

  it('SIGKILL one worker mid-analysis: its work moves to the other, nothing is lost or doubled, watches keep their state', async () => {
    expectClean(await h.killWorker(1));
  }, 300_000);

  it('restart the Temporal server mid-analysis: everything completes, nothing stuck or doubled', async () => {
    expectClean(await h.restartTemporal(2));
  }, 300_000);

  it('SIGKILL a gateway: a stream client fails over to the other with Last-Event-ID and misses nothing', async () => {
    const f = await h.killGateway(3);
    expectClean(f);
    expect(f.events.length).toBeGreaterThanOrEqual(2);
    expect(f.received).toEqual(f.events);
  }, 300_000);

  it('restart the application Postgres under webhook load: 503 problems while down, every accepted delivery stored once, workers recover', async () => {
    const f = await h.restartPostgres(4);
    expectClean(f);
    expect(f.refused503).toBeGreaterThan(0);
  }, 300_000);

  it('stop the whole stack and start it again: the analysis, actors and watches resume where they were', async () => {
    expectClean(await h.restartStack(5));
    const resumed = await h.resumedWork();
    expect(resumed).toMatchObject({ actorSameRun: true, actorProcessed: 2, watchSameRun: true });
    expect(resumed.watchStepAfter).toBeGreaterThan(resumed.watchStepBefore);
  }, 400_000);
});
