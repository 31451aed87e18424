import { mintServiceToken } from '../gateway/auth/service-token';
import { FaultHarness, type FaultFigures } from '../lib/fault-harness';
import type { BenchResult } from './machine';

/**
 * `npm run bench -- faults`: the CI fault suite's faults (lib/fault-harness.ts), longer — FAULT_ROUNDS rounds of
 * each, three times the webhook load, each process kept down FAULT_DOWN_MS — on the real Temporal server (its
 * databases on the machine's Postgres) and an embedded application Postgres. One result per fault and round.
 */
export async function faultsBench(): Promise<BenchResult[]> {
  const rounds = Number(process.env.FAULT_ROUNDS ?? 2);
  const downMs = Number(process.env.FAULT_DOWN_MS ?? 10_000);
  const batches = 60;
  const batchSize = 50;
  const h = new FaultHarness({
    temporalAdminUrl: process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    mintServiceToken, batches, batchSize, downMs, liveWallets: 5, sets: 1 + 5 * rounds,
    log: (m) => console.error(`[faults] ${m}`),
  });
  const results: BenchResult[] = [];
  const record = (f: FaultFigures, round: number) => {
    const clean = f.analysis === 'completed' && f.momentsMatch && f.duplicates === 0 && f.accepted === batches * batchSize && f.stored === f.accepted && f.unexpected.length === 0 && f.watchesIntact;
    results.push({
      name: `fault: ${f.fault} (round ${round})`,
      figures: {
        analysis: f.analysis,
        'moments / undisturbed run': `${f.moments} / ${f.baselineMoments}${f.momentsMatch ? ' (same per wallet, kind, mint)' : ' (DIFFERENT)'}`,
        'moments not announced once': f.duplicates,
        'webhook tx accepted / stored': `${f.accepted} / ${f.stored}`,
        'webhook 503 problem+json': f.refused503,
        'webhook other errors': f.unexpected.length ? f.unexpected.join(',') : 0,
        'webhook unavailable s': f.unavailableS,
        'watches and actors intact': f.watchesIntact ? 'yes' : 'NO',
        ...f.extra,
      },
      target: '0 lost, 0 duplicated; the analysis completes with the undisturbed run\'s moments; watches and actors keep their runs and state',
      pass: clean,
    });
    console.error(`[faults] ${JSON.stringify(f)}`);
  };
  await h.start();
  try {
    const t = Date.now();
    const baseline = await h.runBaseline();
    results.push({ name: 'fault: none (the undisturbed run)', figures: { moments: baseline.moments, 'not announced once': baseline.duplicates, 'live wallets (actors with open watches)': h.liveWallets.length, seconds: Math.round((Date.now() - t) / 1000) } });
    let k = 1;
    for (let round = 1; round <= rounds; round++) {
      record(await h.killWorker(k++), round);
      record(await h.restartTemporal(k++), round);
      record(await h.killGateway(k++), round);
      record(await h.restartPostgres(k++), round);
      record(await h.restartStack(k++), round);
    }
    const resumed = await h.resumedWork();
    results.push({ name: 'after the stack restarts: the same actor and watch runs take new work', figures: Object.fromEntries(Object.entries(resumed).map(([key, v]) => [key, typeof v === 'boolean' ? (v ? 'yes' : 'NO') : v])), pass: resumed.actorSameRun && resumed.watchSameRun && resumed.watchStepAfter > resumed.watchStepBefore });
  } finally {
    await h.stop();
  }
  return results;
}
