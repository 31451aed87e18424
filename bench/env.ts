import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createDb, migrateLatest } from '../lib/db';
import { spawnEntry } from '../lib/processes';
import { freePort, startDevServer } from '../lib/temporal-dev-server';
import { lowFreePort, pgTargetOf, startTemporalServer, TEMPORAL_DATABASES } from '../lib/temporal-server';

export interface BenchEnv {
  temporal: { address: string; readonly pid: number | undefined; stop(): Promise<void> };
  databaseUrl: string;
  tmp: string;
  stop(): Promise<void>;
}

/**
 * A Temporal server and a fresh, migrated Postgres database for one benchmark; stop() removes both. The server is the
 * dev server (SQLite) unless BENCH_TEMPORAL=server: the real server on the same Postgres (the production shape's),
 * in databases of its own.
 */
export async function startBenchEnv(): Promise<BenchEnv> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'oof-bench-'));
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const stamp = Date.now();
  const real = process.env.BENCH_TEMPORAL === 'server';
  const temporalPrefix = `oof_bench_${stamp}_`;
  const temporal = real
    ? await startTemporalServer({ pg: pgTargetOf(adminUrl), databasePrefix: temporalPrefix, dir: path.join(tmp, 'temporal'), port: await lowFreePort(), uiPort: false })
    : await startDevServer({ dbFile: path.join(tmp, 'temporal.sqlite'), port: await freePort(), headless: true });
  const name = `oof_bench_${stamp}`;
  const admin = createDb(adminUrl, { poolMax: 1 });
  await admin.raw('create database ??', [name]);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const db = createDb(u.toString(), { poolMax: 1 });
  await migrateLatest(db);
  await db.destroy();
  return {
    temporal,
    databaseUrl: u.toString(),
    tmp,
    stop: async () => {
      await temporal.stop();
      await admin.raw('drop database if exists ?? with (force)', [name]);
      if (real) for (const base of Object.values(TEMPORAL_DATABASES)) await admin.raw('drop database if exists ?? with (force)', [`${temporalPrefix}${base}`]);
      await admin.destroy();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** A worker process (workers/main.ts) with this environment, resolved once it says it is running. */
export async function spawnWorkerProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ChildProcess> {
  const worker = spawnEntry('workers/main.ts', { LOG_LEVEL: 'info', ENVIRONMENT: 'test', ...env }, { silent: true, nodeArgs });
  // Both pipes are read to the end (a full pipe would stall the worker's writes), and a worker that dies on its own
  // says why: its last lines go to the bench's stderr.
  const last: string[] = [];
  const keep = (b: Buffer) => {
    for (const line of b.toString().split('\n')) if (line) last.push(line.slice(0, 2000));
    if (last.length > 40) last.splice(0, last.length - 40);
  };
  worker.stderr!.on('data', keep);
  // BENCH_WORKER_LOG_DIR keeps every line of it.
  if (process.env.BENCH_WORKER_LOG_DIR) {
    const out = createWriteStream(path.join(process.env.BENCH_WORKER_LOG_DIR, `worker-${worker.pid}.log`));
    worker.stdout!.pipe(out);
    worker.stderr!.pipe(out);
  }
  worker.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM' && signal !== 'SIGKILL' && !worker.killed) process.stderr.write(`[bench] worker ${worker.pid} exited (code ${code}, signal ${signal}); its last lines:\n${last.join('\n')}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    worker.stdout!.on('data', (b: Buffer) => { keep(b); if (b.toString().includes('worker running')) resolve(); });
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return worker;
}
