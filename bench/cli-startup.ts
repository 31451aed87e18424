import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compare } from './ceiling';
import { percentile, type BenchResult } from './machine';

const ROOT = path.resolve(__dirname, '..');

function wall(cmd: string, args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString().slice(0, 300)}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/**
 * How long `oof` takes before it does anything, as users start it: `npx oof --help` from the project, the linked
 * bin itself (node_modules/.bin/oof, what a shell or `npm run` finds), and `oof parse` of an empty array. Beside them,
 * npm's own start-up (`npx --version`, no command of ours) and the TypeScript sources through tsx (the old way).
 * Medians of interleaved runs; ratios to `node -e 0` and to `npx --version`, the floors of each way of starting.
 */
export async function cliStartupBench(opts: { runs?: number } = {}): Promise<BenchResult> {
  if (!existsSync(path.join(ROOT, 'build/cli/main.js'))) throw new Error('build/ is missing: run `npm run build` first');
  const runs = opts.runs ?? 15;
  const dir = path.join(os.tmpdir(), 'oof-bench');
  mkdirSync(dir, { recursive: true });
  const empty = path.join(dir, 'empty.json');
  writeFileSync(empty, '[]');
  const bin = path.join(ROOT, 'node_modules/.bin/oof');
  const cases: Record<string, [string, string[]]> = {
    'npx oof --help': ['npx', ['oof', '--help']],
    'oof --help (the bin)': [bin, ['--help']],
    'oof parse []': [bin, ['parse', empty]],
    'npx --version (npm alone)': ['npx', ['--version']],
    'tsx cli/main.ts --help': [process.execPath, ['--import', 'tsx', 'cli/main.ts', '--help']],
    'node -e 0 (node alone)': [process.execPath, ['-e', '0']],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const [cmd, args] of Object.values(cases)) wall(cmd, args); // warm the file cache
  for (let i = 0; i < runs; i++) for (const [k, [cmd, args]] of Object.entries(cases)) times[k]!.push(wall(cmd, args));
  const median = (k: string) => percentile([...times[k]!].sort((a, b) => a - b), 50);
  const figures: Record<string, string> = {};
  for (const k of Object.keys(cases)) figures[`${k} median s`] = median(k).toFixed(3);
  // The ceilings: node starting and doing nothing (for the bin), npm's own start (for npx); same rounds, interleaved.
  const ofBin = compare({ ours: times['oof --help (the bin)']!, ceiling: times['node -e 0 (node alone)']! }, '`oof --help` (the bin) ÷ `node -e 0`');
  const npx = compare({ ours: times['npx oof --help']!, ceiling: times['npx --version (npm alone)']! }, '`npx oof --help` ÷ `npx --version`');
  return {
    name: 'CLI start-up',
    figures: { ...figures, 'oof --help (the bin) s': ofBin.figure, 'npx oof --help s': npx.figure },
    ratio: { 'oof --help': ofBin.ratio, 'npx oof --help': npx.ratio },
    target: '`npx oof --help` ≤ 0.3 s',
    pass: median('npx oof --help') <= 0.3,
  };
}
