import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../lib/db';
import { freePort } from '../../lib/temporal-dev-server';
import { eventually, testEnv, uniqueQueue } from '../helpers/env';

const ROOT = path.resolve(__dirname, '../..');

/** Every live process whose environment carries this marker: the supervisor's descendants, wherever they went. */
function marked(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${name}/status`, 'latin1'))?.[1];
      if (state !== 'Z' && env.includes(`OOF_SUPERVISION_MARKER=${marker}\0`)) found.push(Number(name));
    } catch { /* gone, or not ours to read */ }
  }
  return found;
}

/** The run's live processes executing `entry`: found by marker and command line, not by what the supervisor logs. */
function running(marker: string, entry: string): number[] {
  return marked(marker).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').some((arg) => arg.endsWith(`/${entry}`)); } catch { return false; }
  });
}

/** A process's entry point relative to the project (or its program), to name it in a failure. */
function commandOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
    const script = args.find((a) => a.startsWith(ROOT));
    return script ? path.relative(ROOT, script) : path.basename(args[0] ?? String(pid));
  } catch {
    return String(pid);
  }
}

interface Run { child: ChildProcess; marker: string; output: () => string; exited: Promise<number | null>; port: number }

async function run(script: string, env: Record<string, string>, args: string[] = []): Promise<Run> {
  const marker = randomUUID();
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'oof-sup-')), PORT: String(port), LOG_LEVEL: 'info', RESTART_BACKOFF_MS: '200', OOF_SUPERVISION_MARKER: marker, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => { out += b; });
  child.stderr!.on('data', (b) => { out += b; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, marker, output: () => out, exited, port };
}

/** Kills whatever a run left behind (only on failure: a passing run leaves nothing). */
function reap(r: Run | undefined): void {
  if (!r) return;
  for (const pid of [r.child.pid!, ...marked(r.marker)]) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

/** Running (a zombie waiting for a parent that will never reap it has stopped all the same). */
const alive = (pid: number) => {
  try { return /^State:\s+[^Z]/m.test(readFileSync(`/proc/${pid}/status`, 'latin1')); } catch { return false; }
};
// Jupiter on a closed local port: a schedule this worker happens to run must not reach for the real host.
const stackEnv = () => ({ TEMPORAL_ADDRESS: testEnv().temporalAddress, DATABASE_URL: testEnv().databaseUrl, TEMPORAL_TASK_QUEUE: uniqueQueue('sup'), JUPITER_BASE_URL: 'http://127.0.0.1:9' });

describe('process supervision (npm start, npm run demo)', () => {
  it('restarts a killed worker and a killed gateway with backoff, and SIGTERM then stops everything', async () => {
    let r: Run | undefined;
    try {
      r = await run('scripts/start.ts', stackEnv());
      await eventually(async () => (r!.output().includes('OOF is running') ? true : undefined), 90_000, 200);
      /** After `pid` (running `entry`) was killed: did the supervisor start another, or did the stack go down? */
      const outcome = (entry: string, pid: number) => eventually(async () => {
        if (r!.child.exitCode !== null) return 'the supervisor exited';
        return running(r!.marker, entry).some((p) => p !== pid) ? 'restarted' : undefined;
      }, 10_000);
      const [worker] = running(r.marker, 'workers/main.ts');
      const [gateway] = running(r.marker, 'gateway/main.ts');
      expect({ worker: typeof worker, gateway: typeof gateway }).toEqual({ worker: 'number', gateway: 'number' });
      process.kill(worker!, 'SIGKILL');
      expect(await outcome('workers/main.ts', worker!)).toBe('restarted');
      expect((await fetch(`http://127.0.0.1:${r.port}/health`)).status).toBe(200); // the gateway never noticed
      process.kill(gateway!, 'SIGKILL');
      expect(await outcome('gateway/main.ts', gateway!)).toBe('restarted');
      await eventually(async () => ((await fetch(`http://127.0.0.1:${r!.port}/health/ready`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000, 250);
      expect(r.output()).toMatch(/a process stopped unexpectedly; restarting it/);
      const before = marked(r.marker);
      expect(before.length).toBeGreaterThanOrEqual(2);
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
      expect(marked(r.marker)).toEqual([]);
    } finally {
      reap(r);
    }
  }, 180_000);

  it('leaves no child behind when the supervisor itself is killed', async () => {
    let r: Run | undefined;
    try {
      r = await run('scripts/start.ts', stackEnv());
      await eventually(async () => (r!.output().includes('OOF is running') ? true : undefined), 90_000, 200);
      const children = marked(r.marker).filter((p) => p !== r!.child.pid);
      expect(children.length).toBeGreaterThanOrEqual(2);
      r.child.kill('SIGKILL');
      await r.exited;
      await eventually(async () => (marked(r!.marker).length === 0 ? true : undefined), 30_000, 200).catch(() => undefined);
      // What is left 30 s later, by command: an orphan would hold its port and its database connections.
      expect(children.filter(alive).map(commandOf)).toEqual([]);
    } finally {
      reap(r);
    }
  }, 180_000);

  it('stops the whole stack, Temporal included, when the demo fails early', async () => {
    const name = `oof_sup_${Date.now()}`;
    const admin = createDb(testEnv().adminDatabaseUrl, { poolMax: 1 });
    const url = new URL(testEnv().adminDatabaseUrl);
    url.pathname = `/${name}`;
    let r: Run | undefined;
    try {
      // One wallet per analysis: the demo's analysis of two is refused with a 400 once everything is up.
      r = await run('scripts/demo.ts', {
        DATABASE_URL: url.toString(), TEMPORAL_ADDRESS: '', TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()),
        MAX_WALLETS_PER_ANALYSIS: '1',
      }, ['--exit']);
      const code = await r.exited;
      expect(r.output()).toMatch(/demo failed: .*400/);
      expect(code).toBe(1);
      expect(r.output()).toMatch(/^gateway http:\/\/\S+ · /m); // it had got as far as the gateway
      expect(marked(r.marker)).toEqual([]);
    } finally {
      reap(r);
      await admin.raw('drop database if exists ?? with (force)', [name]);
      await admin.destroy();
    }
  }, 180_000);
});
