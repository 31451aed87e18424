import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDb, ensureDatabase, migrateLatest } from './db';
import { EMBEDDED_PG_PORT } from './database-url';
import { spawnEntry, stopProcess, waitForHttp } from './processes';
import { APP_PROCESSES, PRODUCTION_ENV } from './stack-shape';
import { Supervised } from './supervised';
import { freePort } from './temporal-dev-server';
import { pgTargetOf, startTemporalServer, type TemporalServer } from './temporal-server';

export interface ProductionStackOptions {
  dataDir: string;
  /** The application database; unset: an embedded Postgres under dataDir (the Temporal databases go there too). */
  databaseUrl?: string;
  embeddedPostgresPort?: number;
  /** Where Temporal keeps its two databases; defaults to the server of databaseUrl. */
  temporalDatabaseUrl?: string;
  temporalDatabasePrefix?: string;
  temporalPort?: number;
  uiPort?: number | false;
  /** The Temporal server's Prometheus port (the soak reads its Go heap and cache usage there); unset: none. */
  temporalMetricsPort?: number;
  /** Extra dynamic config of the Temporal server. */
  temporalDynamicConfig?: Record<string, unknown>;
  /** Ports by process name (lib/stack-shape.ts); unset ones take the shape's port, or a free one with freePorts. */
  ports?: Record<string, number>;
  freePorts?: boolean;
  /** The production configuration every app process gets (secrets included). */
  env: Record<string, string>;
  /** Settings for one process only, by name (a benchmark comparing two workers' settings under the same load). */
  processEnv?: Record<string, Record<string, string>>;
  /** How many of the shape's workers to run (default all: the scaling benchmark compares one with two). */
  workers?: number;
  silent?: boolean;
  log: (msg: string) => void;
  onOutput?: (name: string, line: string) => void;
}

export interface ProductionStack {
  temporal: TemporalServer;
  databaseUrl: string;
  gateways: Array<{ url: string; process: Supervised }>;
  indexer: { url: string; process: Supervised };
  workers: Supervised[];
  /** The embedded application Postgres, when the stack runs one (the fault suite restarts it). */
  postgres?: { restart(): Promise<void>; stop(): Promise<void>; start(): Promise<void> };
  stop(): Promise<void>;
}

/** Secrets from the environment; for a local stack without them, generated once and kept under dataDir (mode 600). */
export async function stackSecrets(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ APP_SECRET: string; HELIUS_WEBHOOK_AUTH: string; ALERTS_ENCRYPTION_KEY: string; generated: string[]; fromFile: string[]; file: string }> {
  const file = path.join(dataDir, 'stack-secrets.json');
  const saved: Record<string, string> = JSON.parse(await readFile(file, 'utf8').catch(() => '{}'));
  const generated: string[] = [];
  const fromFile: string[] = [];
  const pick = (name: 'APP_SECRET' | 'HELIUS_WEBHOOK_AUTH' | 'ALERTS_ENCRYPTION_KEY') => {
    if (env[name]) return env[name]!;
    if (saved[name]) fromFile.push(name);
    else {
      saved[name] = name === 'ALERTS_ENCRYPTION_KEY' ? randomBytes(32).toString('hex') : randomBytes(32).toString('base64url');
      generated.push(name);
    }
    return saved[name]!;
  };
  const out = { APP_SECRET: pick('APP_SECRET'), HELIUS_WEBHOOK_AUTH: pick('HELIUS_WEBHOOK_AUTH'), ALERTS_ENCRYPTION_KEY: pick('ALERTS_ENCRYPTION_KEY') };
  if (generated.length) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(saved, null, 1), { mode: 0o600 });
  }
  return { ...out, generated, fromFile, file };
}

function embeddedPostgres(port: number, dataDir: string, log: (m: string) => void) {
  let child: ReturnType<typeof spawnEntry> | undefined;
  const start = async () => {
    // Postgres runs as its own user (never root): it must be able to reach its data directory.
    await mkdir(dataDir, { recursive: true });
    await chmod(path.dirname(dataDir), 0o755);
    child = spawnEntry('scripts/embedded-postgres.ts', { LOG_LEVEL: 'warn' }, { silent: true, args: [String(port), dataDir] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
    await new Promise<void>((resolve, reject) => {
      child!.stdout?.on('data', (b: Buffer) => { if (b.toString().includes('ready')) resolve(); });
      child!.once('exit', (code) => reject(new Error(`the embedded Postgres did not start (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)));
    });
    log(`embedded Postgres on 127.0.0.1:${port}`);
  };
  const stop = async () => { if (child) await stopProcess(child, 30_000); };
  return { url: `postgres://postgres:oof-embedded@127.0.0.1:${port}/oof`, start, stop, restart: async () => { await stop(); await start(); } };
}

/**
 * The production shape on one machine: the real Temporal server on Postgres (schema by the SQL tool), migrations,
 * the workers, gateways and the indexer of lib/stack-shape.ts as separate supervised processes with the production configuration.
 * stop() takes them down in order: gateways and indexer (no new work), workers (drain), Temporal, Postgres.
 */
export async function startProductionStack(o: ProductionStackOptions): Promise<ProductionStack> {
  await mkdir(o.dataDir, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => { for (const s of stoppers.splice(0).reverse()) await s().catch(() => undefined); };
  try {
    let postgres: ReturnType<typeof embeddedPostgres> | undefined;
    let databaseUrl = o.databaseUrl;
    if (!databaseUrl) {
      postgres = embeddedPostgres(o.embeddedPostgresPort ?? EMBEDDED_PG_PORT + 1, path.join(o.dataDir, 'pg'), o.log);
      await postgres.start();
      stoppers.push(() => postgres!.stop());
      databaseUrl = postgres.url;
    }
    await ensureDatabase(databaseUrl);
    const db = createDb(databaseUrl, { poolMax: 2 });
    const applied = await migrateLatest(db);
    await db.destroy();
    if (applied.length) o.log(`migrations applied: ${applied.length}`);

    const temporal = await startTemporalServer({
      pg: pgTargetOf(o.temporalDatabaseUrl ?? databaseUrl),
      databasePrefix: o.temporalDatabasePrefix,
      dir: path.join(o.dataDir, 'temporal'),
      port: o.temporalPort,
      uiPort: o.uiPort,
      metricsPort: o.temporalMetricsPort,
      dynamicConfig: o.temporalDynamicConfig,
      log: o.log,
      onOutput: (l) => o.onOutput?.('temporal', l),
    });
    stoppers.push(() => temporal.stop());

    const env = { ...o.env, ...PRODUCTION_ENV, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address };
    const supervised = (name: string, entry: string, extra: Record<string, string>, args?: string[]) =>
      new Supervised({ name, entry, env: { ...env, ...extra }, args, silent: o.silent, onOutput: o.onOutput, onEvent: (e) => { if (e.event !== 'started') o.log(`${e.name} ${e.event}${e.delayMs !== undefined ? ` in ${e.delayMs} ms` : ''}${e.signal ? ` (${e.signal})` : e.code !== undefined ? ` (exit ${e.code})` : ''}`); } });

    // Every process of the shape (lib/stack-shape.ts, the same list temporal-compose.yml is checked against).
    const ports = new Map<string, number>();
    for (const p of APP_PROCESSES) if (p.listen) ports.set(p.name, o.ports?.[p.name] ?? (o.freePorts ? await freePort() : p.listen.port));
    const shape = APP_PROCESSES.filter((p, i, all) => p.role !== 'worker' || all.filter((q) => q.role === 'worker').indexOf(p) < (o.workers ?? Infinity));
    const procs = shape.map((p) => ({
      shape: p,
      process: supervised(p.name, p.entry, { ...p.env, ...o.processEnv?.[p.name], ...(p.listen ? { [p.listen.env]: String(ports.get(p.name)) } : {}) }, p.args),
      url: p.listen ? `http://127.0.0.1:${ports.get(p.name)}` : '',
    }));
    // Workers first so the gateways' first requests find pollers; stopped last-started-first: gateways, then workers.
    for (const p of procs) {
      p.process.start();
      stoppers.push(() => p.process.stop(p.shape.role === 'worker' ? 45_000 : 20_000));
    }
    const workers = procs.filter((p) => p.shape.role === 'worker').map((p) => p.process);
    const gateways = procs.filter((p) => p.shape.role === 'gateway').map((p) => ({ url: p.url, process: p.process }));
    const indexer = procs.filter((p) => p.shape.role === 'indexer').map((p) => ({ url: p.url, process: p.process }))[0]!;
    await Promise.all([...gateways.map((g) => waitForHttp(`${g.url}/health/ready`, 120_000)), waitForHttp(`${indexer.url}/health`, 120_000)]);
    return { temporal, databaseUrl, gateways, indexer, workers, postgres, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
