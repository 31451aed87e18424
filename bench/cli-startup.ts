import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compare } from './ceiling';
import { percentile, type BenchResult } from './machine';

const ROOT = path.resolve(__dirname, '..');

function wall(cmd: string, args: string[], cwd = ROOT): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString().slice(0, 300)}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/**
 * How long `oof` takes before it does anything, as users start it: `npx oof --help` from the project, the linked
 * bin itself (node_modules/.bin/oof, what a shell or `npm run` finds), and `oof parse` of an empty array. Beside them,
 * npm's own start-up (`npx --version`, no command of ours) and the TypeScript sources through tsx (the old way).
 * Medians of interleaved runs; ratios to `node -e 0` and to `npx --version`, the floors of each way of starting —
 * and to `npx noop`, npm running a local bin that is a two-line shell script: what `npx` costs before any command
 * of anyone's starts, the floor of `npx oof` (a target below it is out of reach for any CLI).
 */
export async function cliStartupBench(opts: { runs?: number } = {}): Promise<BenchResult> {
  if (!existsSync(path.join(ROOT, 'build/cli/main.js'))) throw new Error('build/ is missing: run `npm run build` first');
  const runs = opts.runs ?? 15;
  const dir = path.join(os.tmpdir(), 'oof-bench');
  mkdirSync(dir, { recursive: true });
  const empty = path.join(dir, 'empty.json');
  writeFileSync(empty, '[]');
  const bin = path.join(ROOT, 'node_modules/.bin/oof');
  // A project of its own whose only bin does nothing: npm's path to a local bin, with nothing after it.
  const floor = path.join(dir, 'npx-floor');
  mkdirSync(path.join(floor, 'node_modules/.bin'), { recursive: true });
  writeFileSync(path.join(floor, 'package.json'), '{"name":"npx-floor","version":"1.0.0","private":true}');
  writeFileSync(path.join(floor, 'node_modules/.bin/noop'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const cases: Record<string, [string, string[], string?]> = {
    'npx oof --help': ['npx', ['oof', '--help']],
    'npx noop (npm running a no-op local bin)': ['npx', ['noop'], floor],
    'oof --help (the bin)': [bin, ['--help']],
    'oof parse []': [bin, ['parse', empty]],
    'npx --version (npm alone)': ['npx', ['--version']],
    'tsx cli/main.ts --help': [process.execPath, ['--import', 'tsx', 'cli/main.ts', '--help']],
    'node -e 0 (node alone)': [process.execPath, ['-e', '0']],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const [cmd, args, cwd] of Object.values(cases)) wall(cmd, args, cwd); // warm the file cache
  for (let i = 0; i < runs; i++) for (const [k, [cmd, args, cwd]] of Object.entries(cases)) times[k]!.push(wall(cmd, args, cwd));
  const median = (k: string) => percentile([...times[k]!].sort((a, b) => a - b), 50);
  const figures: Record<string, string> = {};
  for (const k of Object.keys(cases)) figures[`${k} median s`] = median(k).toFixed(3);
  // The ceilings: node starting and doing nothing (for the bin), npm's own start (for npx); same rounds, interleaved.
  const ofBin = compare({ ours: times['oof --help (the bin)']!, ceiling: times['node -e 0 (node alone)']! }, '`oof --help` (the bin) ÷ `node -e 0`');
  const npx = compare({ ours: times['npx oof --help']!, ceiling: times['npx --version (npm alone)']! }, '`npx oof --help` ÷ `npx --version`');
  const npxFloor = compare({ ours: times['npx oof --help']!, ceiling: times['npx noop (npm running a no-op local bin)']! }, '`npx oof --help` ÷ `npx noop`');
  return {
    name: 'CLI start-up',
    figures: { ...figures, 'oof --help (the bin) s': ofBin.figure, 'npx oof --help s': npx.figure, 'npx oof --help vs npx noop s': npxFloor.figure },
    ratio: { 'oof --help': ofBin.ratio, 'npx oof --help': npx.ratio, 'npx oof --help ÷ npx noop': npxFloor.ratio },
    target: '`npx oof --help` ≤ 0.3 s',
    pass: median('npx oof --help') <= 0.3,
  };
}
