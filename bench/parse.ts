import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atLeast, compare, interleave, ratiosPass } from './ceiling';
import type { BenchResult } from './machine';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(ROOT, 'fixtures');

function load(rel: string): any {
  let j = JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8'));
  if (Array.isArray(j)) j = j[0];
  if (j && 'result' in j) j = j.result;
  return j;
}

/** The 29 real transactions of fixtures/transactions. */
function sharedMix(): unknown[] {
  const out: unknown[] = [];
  for (const dir of ['metamask', 'txparser', 'anchores']) {
    for (const f of readdirSync(path.join(FIXTURES, 'transactions', dir)).sort()) {
      if (f !== 'expected.json') out.push(load(`transactions/${dir}/${f}`));
    }
  }
  return out;
}

const innerCount = (tx: any) => (tx.meta?.innerInstructions ?? []).reduce((n: number, g: any) => n + g.instructions.length, 0);
const isParsed = (tx: any) => typeof tx.transaction.message.accountKeys[0] === 'object';

/**
 * The heavy end of the real transactions: every jsonParsed one (the six multi-hop anchores routes and the API
 * sample's Jupiter swap) and the json ones with 17 or more inner instructions (bundles, shared-accounts routes,
 * multi-transfer). 18–34 KB each against 12 KB on average for the shared mix.
 */
function heavyMix(): unknown[] {
  const all = [...sharedMix(), load('apis/solana-getTransaction-jsonParsed-jupiter-swap.json')];
  return all.filter((tx) => isParsed(tx) || innerCount(tx) >= 17);
}

function timeProcess(args: string[]): number {
  const t = process.hrtime.bigint();
  // The same heap limit for all three: the peer holds a 470 MB input and its whole output at once.
  const r = spawnSync(process.execPath, ['--max-old-space-size=8000', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr?.toString().slice(0, 500)}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export interface ParseCase { mix: 'shared' | 'heavy'; count: number }

/** Writes the benchmark's input file (the mix repeated to `count` transactions) and returns its path. */
export function parseInput(c: ParseCase): string {
  const txs = c.mix === 'shared' ? sharedMix() : heavyMix();
  const dir = path.join(os.tmpdir(), 'oof-bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `parse-${c.mix}-${c.count}.json`);
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(Array.from({ length: c.count }, (_, i) => txs[i % txs.length])));
  return file;
}

/**
 * Whole-process parse throughput on large arrays of real transactions, two mixes at two sizes: `oof parse` as users
 * run it (bin/oof.js), solana-dex-parser, and a process that only reads and JSON.parses the file (the ceiling). The
 * three runs of each case are interleaved (ours, peer, ceiling, ours, …) so a noisy neighbour hits all three alike;
 * the ratios are medians of the per-round ratios.
 */
export async function parseBench(opts: { cases?: ParseCase[]; rounds?: number } = {}): Promise<BenchResult> {
  if (!existsSync(path.join(ROOT, 'build/cli/main.js'))) throw new Error('build/ is missing: run `npm run build` first');
  // BENCH_PARSE_CASES=shared:5000,heavy:5000 runs some of them (the peer takes minutes on the 20k files).
  const fromEnv = process.env.BENCH_PARSE_CASES?.split(',').map((x) => { const [mix, count] = x.split(':'); return { mix: mix as ParseCase['mix'], count: Number(count) }; });
  const cases = opts.cases ?? fromEnv ?? [{ mix: 'shared', count: 5_000 }, { mix: 'shared', count: 20_000 }, { mix: 'heavy', count: 5_000 }, { mix: 'heavy', count: 20_000 }];
  const rounds = opts.rounds ?? 3;
  const figures: BenchResult['figures'] = {};
  const ratio: NonNullable<BenchResult['ratio']> = {};
  for (const c of cases) {
    const file = parseInput(c);
    const rate = (sec: number) => c.count / sec;
    // ours, peer, ceiling, ours, …: the peer's run sits between each pair, so it shares their conditions too.
    const peer: number[] = [];
    const s = await interleave(rounds, () => rate(timeProcess(['bin/oof.js', 'parse', file])), () => {
      peer.push(rate(timeProcess(['bench/peers/dex-parser.js', file])));
      return rate(timeProcess(['bench/peers/json-parse.js', file]));
    });
    const key = `${c.mix} ${c.count / 1000}k (${Math.round(statSync(file).size / 1e6)} MB)`;
    const ofCeiling = compare(s, `oof parse tx/s ÷ read + JSON.parse tx/s, ${key}`, atLeast(0.6));
    const vsPeer = compare({ ours: s.ours, ceiling: peer }, `oof parse tx/s ÷ solana-dex-parser tx/s, ${key}`, atLeast(5));
    figures[`${key} tx/s (ceiling: JSON.parse)`] = ofCeiling.figure;
    figures[`${key} peer tx/s`] = vsPeer.figure.ceiling;
    ratio[`${key} oof/JSON.parse`] = ofCeiling.ratio;
    ratio[`${key} oof/peer`] = vsPeer.ratio;
  }
  const pass = ratiosPass(ratio);
  return {
    name: 'parse throughput (whole process)',
    figures,
    ratio,
    target: 'on each mix and size: oof parse ≥ 5× solana-dex-parser and ≥ 60 % of bare JSON.parse',
    pass,
  };
}
