import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
 * run it (bin/oof.js), solana-dex-parser, and a process that only reads and JSON.parses the file. The three runs of
 * each case are interleaved (ours, peer, ceiling, ours, …) so a noisy neighbour hits all three alike; best of N.
 */
export async function parseBench(opts: { cases?: ParseCase[]; rounds?: number } = {}): Promise<BenchResult> {
  if (!existsSync(path.join(ROOT, 'build/cli/main.js'))) throw new Error('build/ is missing: run `npm run build` first');
  const cases = opts.cases ?? [{ mix: 'shared', count: 5_000 }, { mix: 'shared', count: 20_000 }, { mix: 'heavy', count: 5_000 }, { mix: 'heavy', count: 20_000 }];
  const rounds = opts.rounds ?? 3;
  const figures: Record<string, number | string> = {};
  let pass = true;
  for (const c of cases) {
    const file = parseInput(c);
    const t = { ours: Infinity, peer: Infinity, ceiling: Infinity };
    for (let r = 0; r < rounds; r++) {
      t.ours = Math.min(t.ours, timeProcess(['bin/oof.js', 'parse', file]));
      t.peer = Math.min(t.peer, timeProcess(['bench/peers/dex-parser.js', file]));
      t.ceiling = Math.min(t.ceiling, timeProcess(['bench/peers/json-parse.js', file]));
    }
    const rate = (s: number) => Math.round(c.count / s);
    const vsPeer = t.peer / t.ours;
    const ofCeiling = t.ceiling / t.ours;
    pass &&= vsPeer >= 5 && ofCeiling >= 0.6;
    const key = `${c.mix} ${c.count / 1000}k (${Math.round(statSync(file).size / 1e6)} MB)`;
    figures[`${key} oof tx/s`] = rate(t.ours);
    figures[`${key} peer tx/s`] = rate(t.peer);
    figures[`${key} JSON.parse tx/s`] = rate(t.ceiling);
    figures[`${key} oof/peer`] = Math.round(vsPeer * 100) / 100;
    figures[`${key} oof/JSON.parse`] = `${Math.round(ofCeiling * 100)} %`;
  }
  return {
    name: 'parse throughput (whole process)',
    figures,
    target: 'on each mix and size: oof parse ≥ 5× solana-dex-parser and ≥ 60 % of bare JSON.parse',
    pass,
  };
}
