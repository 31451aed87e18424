import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from './machine';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(ROOT, 'fixtures');

function realTransactions(): unknown[] {
  const out: unknown[] = [];
  for (const dir of ['metamask', 'txparser', 'anchores']) {
    for (const f of readdirSync(path.join(FIXTURES, 'transactions', dir))) {
      if (f === 'expected.json') continue;
      let j = JSON.parse(readFileSync(path.join(FIXTURES, 'transactions', dir, f), 'utf8'));
      if (Array.isArray(j)) j = j[0];
      if (j && 'result' in j) j = j.result;
      out.push(j);
    }
  }
  return out;
}

function timeProcess(args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr?.toString().slice(0, 500)}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** Whole-process parse throughput on a large array of real transactions: ours, solana-dex-parser, bare JSON.parse. */
export async function parseBench(opts: { count?: number; rounds?: number } = {}): Promise<BenchResult> {
  const count = opts.count ?? 20_000;
  const rounds = opts.rounds ?? 3;
  const txs = realTransactions();
  const dir = path.join(os.tmpdir(), 'oof-bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `parse-${count}.json`);
  writeFileSync(file, JSON.stringify(Array.from({ length: count }, (_, i) => txs[i % txs.length])));
  const best = (args: string[]) => Math.min(...Array.from({ length: rounds }, () => timeProcess(args)));
  // Interleaved runs would be fairer on a noisy machine; best-of-N per tool keeps the figures repeatable.
  const ours = best(['bin/oof.js', 'parse', file]);
  const peer = best(['--import', 'tsx', 'bench/peers/dex-parser.ts', file]);
  const ceiling = best(['--import', 'tsx', 'bench/peers/json-parse.ts', file]);
  const rate = (s: number) => Math.round(count / s);
  const ratio = peer / ours;
  return {
    name: 'parse throughput (whole process)',
    figures: {
      transactions: count,
      fileMB: Math.round(readFileSync(file).length / 1e5) / 10,
      'oof parse tx/s': rate(ours),
      'solana-dex-parser tx/s': rate(peer),
      'JSON.parse only tx/s': rate(ceiling),
      'oof / peer': Math.round(ratio * 100) / 100,
    },
    target: 'oof parse ≥ 5× solana-dex-parser',
    pass: ratio >= 5,
  };
}
