/** `npm run bench [-- name…] [-- --json]`: runs the benchmarks, prints their figures and the machine they ran on. */
import { machine, type BenchResult } from './machine';
import { formatRatio, isPair } from './ceiling';
import { alertsBench } from './alerts';
import { actorBench } from './actor';
import { backfillBench } from './backfill';
import { liveBench, liveDemoBench } from './live';
import { cardsBench } from './cards';
import { cliStartupBench } from './cli-startup';
import { detectBench } from './detect';
import { faultsBench } from './faults';
import { momentsApiBench } from './moments-api';
import { parseBench } from './parse';
import { reportBench } from './report';
import { scaleBench } from './scale';
import { soakBench } from './soak';
import { sseBench } from './sse';
import { watchesBench } from './watches';
import { webhookBench } from './webhook';

const BENCHES: Record<string, () => Promise<BenchResult | BenchResult[]>> = {
  parse: () => parseBench({ rounds: Number(process.env.BENCH_ROUNDS ?? 3) }),
  webhook: () => webhookBench(),
  backfill: () => backfillBench(),
  detect: () => detectBench(),
  watches: () => watchesBench(),
  cards: () => cardsBench(),
  'moments-api': () => momentsApiBench(),
  sse: () => sseBench(),
  soak: () => soakBench(),
  faults: () => faultsBench(),
  scale: () => scaleBench(),
  'cli-startup': () => cliStartupBench(),
  alerts: () => alertsBench(),
  actor: () => actorBench(),
  live: () => liveBench(),
  'live-demo': () => liveDemoBench(),
  report: () => reportBench({ actions: Number(process.env.BENCH_REPORT_ACTIONS ?? 100_000) }),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const names = args.filter((a) => !a.startsWith('--'));
  const selected = names.length ? names : Object.keys(BENCHES);
  for (const n of selected) if (!BENCHES[n]) throw new Error(`unknown benchmark "${n}"; known: ${Object.keys(BENCHES).join(', ')}`);
  const results: BenchResult[] = [];
  const m = machine();
  if (!json) console.log(`machine: ${Object.entries(m).map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
  for (const n of selected) {
    for (const r of [await BENCHES[n]!()].flat()) {
      results.push(r);
      if (!json) {
        console.log(`${r.name}${r.pass === undefined ? '' : r.pass ? '  [target met]' : '  [TARGET MISSED]'}`);
        for (const [k, v] of Object.entries(r.figures)) console.log(`  ${k.padEnd(28)} ${isPair(v) ? `ours ${v.ours} · ceiling ${v.ceiling}` : v}`);
        for (const [k, v] of Object.entries(r.ratio ?? {})) console.log(`  ratio ${k}: ${formatRatio(v)}`);
        if (r.target) console.log(`  target: ${r.target}`);
        console.log();
      }
    }
  }
  if (json) console.log(JSON.stringify({ machine: m, results }, null, 2));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
