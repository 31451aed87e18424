import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { dyingWithParent, findOrBuildGoTool, findOrBuildTemporalCli, SEARCH_ATTRIBUTES } from './temporal-dev-server';

const execFileP = promisify(execFile);

// The production server, not the dev server: Postgres persistence and SQL visibility, schema managed by the SQL tool.
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_VERSION = 'v2.42.1';

export const findOrBuildTemporalServer = (log?: (m: string) => void) =>
  findOrBuildGoTool({ name: 'temporal-server', envVar: 'TEMPORAL_SERVER', module: `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, binary: 'server', log });
export const findOrBuildTemporalSqlTool = (log?: (m: string) => void) =>
  findOrBuildGoTool({ name: 'temporal-sql-tool', envVar: 'TEMPORAL_SQL_TOOL', module: `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`, binary: 'sql', log });
export const findOrBuildTemporalUi = (log?: (m: string) => void) =>
  findOrBuildGoTool({ name: 'temporal-ui-server', envVar: 'TEMPORAL_UI_SERVER', module: `github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`, binary: 'server', log });

export interface PgTarget { host: string; port: number; user: string; password: string }

export function pgTargetOf(url: string): PgTarget {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password) };
}

export const TEMPORAL_DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;

/**
 * Creates the two databases if missing, then sets up or upgrades each schema to the version this server ships
 * (the schemas are embedded in the tool; update-schema is a no-op when already current).
 */
export async function setupTemporalSchema(pg: PgTarget, log: (m: string) => void = () => undefined, prefix = ''): Promise<void> {
  const tool = await findOrBuildTemporalSqlTool(log);
  for (const [kind, base] of Object.entries(TEMPORAL_DATABASES)) {
    const db = `${prefix}${base}`;
    const common = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--pw', pg.password, '--db', db];
    const run = (args: string[]) => execFileP(tool, [...common, ...args], { timeout: 120_000 }).catch((e) => {
      throw new Error(`temporal-sql-tool ${args[0]} on ${db}: ${(e as any).stderr || (e as Error).message}`);
    });
    await run(['create-database']).catch((e: Error) => { if (!/already exists/i.test(e.message)) throw e; });
    // Version 0.0 marks an empty database as versioned; on one set up before it changes nothing.
    await run(['setup-schema', '-v', '0.0']);
    await run(['update-schema', '--schema-name', `postgresql/v12/${kind === 'default' ? 'temporal' : 'visibility'}`]);
    log(`temporal schema ${db} up to date`);
  }
}

export interface TemporalServerOptions {
  pg: PgTarget;
  /** Where the generated config and the server's logs go. */
  dir: string;
  namespace?: string;
  /** Frontend gRPC port (default 7233); the other services take free ports. */
  port?: number;
  /** Temporal Web UI port; false for none. */
  uiPort?: number | false;
  databasePrefix?: string;
  dynamicConfig?: Record<string, unknown>;
  /** Serve the server's Prometheus metrics (Go heap, cache usage) on this loopback port; unset: none. */
  metricsPort?: number;
  onOutput?: (line: string) => void;
  log?: (m: string) => void;
}

export interface TemporalServer {
  address: string;
  /** The server process (for RSS samples); undefined while stopped. */
  readonly pid: number | undefined;
  uiUrl?: string;
  /** The Prometheus endpoint, when metricsPort was given. */
  metricsUrl?: string;
  /** SIGTERM and wait; start() brings it back on the same ports and database. */
  stop(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** The server's own config: Postgres for persistence and visibility, every service on 127.0.0.1. */
export function serverConfig(o: { pg: PgTarget; ports: Record<'frontend' | 'history' | 'matching' | 'worker' | 'http', number>; membership: number[]; dynamicConfigFile: string; prefix: string; metricsPort?: number }): unknown {
  const store = (database: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12', databaseName: database, connectAddr: `${o.pg.host}:${o.pg.port}`, connectProtocol: 'tcp',
      user: o.pg.user, password: o.pg.password, maxConns, maxIdleConns: maxConns, maxConnLifetime: '1h',
    },
  });
  const svc = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({ rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra } });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default', visibilityStore: 'postgres-visibility', numHistoryShards: 4,
      datastores: { 'postgres-default': store(`${o.prefix}${TEMPORAL_DATABASES.default}`, 20), 'postgres-visibility': store(`${o.prefix}${TEMPORAL_DATABASES.visibility}`, 4) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      ...(o.metricsPort ? { metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${o.metricsPort}` } } } : {}),
    },
    services: {
      frontend: svc(o.ports.frontend, o.membership[0]!, { httpPort: o.ports.http }),
      matching: svc(o.ports.matching, o.membership[1]!),
      history: svc(o.ports.history, o.membership[2]!),
      worker: svc(o.ports.worker, o.membership[3]!),
    },
    clusterMetadata: {
      enableGlobalNamespace: false, failoverVersionIncrement: 10, masterClusterName: 'active', currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${o.ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: o.dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Runs the real Temporal server (not start-dev) on Postgres: schema set up and upgraded by the SQL tool, the
 * namespace and the project's search attributes registered, optionally the Web UI beside it.
 */
export async function startTemporalServer(o: TemporalServerOptions): Promise<TemporalServer> {
  const log = o.log ?? (() => undefined);
  const [server, cli] = await Promise.all([findOrBuildTemporalServer(log), findOrBuildTemporalCli(log)]);
  await setupTemporalSchema(o.pg, log, o.databasePrefix ?? '');
  const namespace = o.namespace ?? 'default';
  // Membership ports are stored as smallint: they must stay below 32768, so they are never ephemeral ones.
  const standard = (o.port ?? 7233) === 7233;
  const low = async () => (standard ? 0 : lowFreePort());
  const configDir = path.join(o.dir, 'config');
  // A server started again on the same data (the whole-stack restart) keeps its ports: its cluster_membership rows
  // name them, so the ring it rejoins is the one it left rather than one seeded with hosts that are gone.
  const previous = await readFile(path.join(configDir, 'oof.yaml'), 'utf8').then((t) => JSON.parse(t), () => undefined);
  const rpcOf = (svc: string) => previous?.services?.[svc]?.rpc;
  const reuse = !standard && rpcOf('frontend')?.grpcPort === o.port;
  const ports = reuse
    ? { frontend: o.port!, history: rpcOf('history').grpcPort, matching: rpcOf('matching').grpcPort, worker: rpcOf('worker').grpcPort, http: rpcOf('frontend').httpPort }
    : { frontend: o.port ?? 7233, history: (await low()) || 7234, matching: (await low()) || 7235, worker: (await low()) || 7239, http: (await low()) || 7243 };
  const membership = standard ? [6933, 6935, 6934, 6939]
    : reuse ? ['frontend', 'matching', 'history', 'worker'].map((svc) => rpcOf(svc).membershipPort as number)
      : [await lowFreePort(), await lowFreePort(), await lowFreePort(), await lowFreePort()];
  await mkdir(configDir, { recursive: true });
  const dynamicConfigFile = path.join(configDir, 'dynamic.yaml');
  const dynamic: Record<string, unknown> = {
    'frontend.enableServerVersionCheck': false, 'system.forceSearchAttributesCacheRefreshOnRead': true,
    // The history service caches every workflow it touches for an hour, up to 128,000 entries (~1 GB by its own
    // estimate): on one machine its RSS would grow for that hour. Bounded by size instead.
    'history.cacheSizeBasedLimit': true, 'history.hostLevelCacheMaxSizeBytes': 64 * 1024 * 1024,
    ...o.dynamicConfig,
  };
  // JSON is YAML: both files are written as JSON so no YAML library is needed at run time.
  await writeFile(dynamicConfigFile, JSON.stringify(Object.fromEntries(Object.entries(dynamic).map(([k, v]) => [k, [{ value: v }]])), null, 1));
  await writeFile(path.join(configDir, 'oof.yaml'), JSON.stringify(serverConfig({ pg: o.pg, ports, membership, dynamicConfigFile, prefix: o.databasePrefix ?? '', metricsPort: o.metricsPort }), null, 1));
  const address = `127.0.0.1:${ports.frontend}`;

  let child: ChildProcess | undefined;
  let ui: ChildProcess | undefined;
  const forward = (buf: Buffer) => buf.toString().split('\n').filter(Boolean).forEach((l) => o.onOutput?.(l));
  const start = async () => {
    child = spawn(...dyingWithParent(server, ['--root', o.dir, '--config', 'config', '--env', 'oof', '--allow-no-auth', 'start']), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    await waitForFrontend(cli, address, child);
    await ensureNamespace(cli, address, namespace);
    await ensureSearchAttributes(cli, address, namespace);
  };
  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    try { process.kill(-c.pid!, sig); } catch { /* gone */ }
    const escalate = setTimeout(() => { try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ } }, 15_000);
    await exited;
    clearTimeout(escalate);
  };
  await start();
  let uiUrl: string | undefined;
  if (o.uiPort !== false) {
    const uiPort = o.uiPort ?? 8233;
    const uiServer = await findOrBuildTemporalUi(log);
    await writeFile(path.join(configDir, 'ui.yaml'), JSON.stringify({ temporalGrpcAddress: address, host: '127.0.0.1', port: uiPort, enableUi: true, defaultNamespace: namespace }));
    ui = spawn(...dyingWithParent(uiServer, ['--root', o.dir, '--config', 'config', '--env', 'ui', 'start']), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    ui.stdout?.on('data', forward);
    ui.stderr?.on('data', forward);
    uiUrl = `http://127.0.0.1:${uiPort}`;
  }
  const stopUi = async () => {
    if (ui && ui.exitCode === null && ui.signalCode === null) {
      const exited = new Promise<void>((r) => ui!.once('exit', () => r()));
      try { process.kill(-ui.pid!, 'SIGTERM'); } catch { /* gone */ }
      await exited;
    }
  };
  return {
    address,
    get pid() { return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined; },
    uiUrl,
    ...(o.metricsPort ? { metricsUrl: `http://127.0.0.1:${o.metricsPort}/metrics` } : {}),
    start,
    stop: async () => { await stopUi(); await signal('SIGTERM'); },
    kill: () => signal('SIGKILL'),
  };
}

async function waitForFrontend(cli: string, address: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server exited early with code ${child.exitCode}`);
    try {
      await execFileP(cli, ['operator', 'cluster', 'health', '--address', address], { timeout: 5000 });
      return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Temporal server at ${address} not healthy in time: ${last}`);
}

async function ensureNamespace(cli: string, address: string, namespace: string): Promise<void> {
  try {
    await execFileP(cli, ['operator', 'namespace', 'describe', '--address', address, '--namespace', namespace], { timeout: 10_000 });
    return;
  } catch {
    // not there yet
  }
  try {
    await execFileP(cli, ['operator', 'namespace', 'create', '--address', address, '--namespace', namespace, '--retention', '72h'], { timeout: 30_000 });
  } catch (e) {
    const msg = `${(e as any).stderr ?? ''}${(e as Error).message}`;
    if (!/already/i.test(msg)) throw new Error(`creating namespace ${namespace}: ${msg}`);
  }
  // A new namespace takes a moment to reach every frontend's cache.
  for (let i = 0; i < 60; i++) {
    try {
      await execFileP(cli, ['operator', 'namespace', 'describe', '--address', address, '--namespace', namespace], { timeout: 5000 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function ensureSearchAttributes(cli: string, address: string, namespace: string): Promise<void> {
  const args = ['operator', 'search-attribute', 'create', '--address', address, '--namespace', namespace];
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--name', name, '--type', type);
  for (let attempt = 0; ; attempt++) {
    try {
      await execFileP(cli, args, { timeout: 30_000 });
      return;
    } catch (e) {
      const msg = `${(e as any).stderr ?? ''}${(e as Error).message}`;
      if (/already exists/i.test(msg)) return;
      if (attempt >= 20) throw new Error(`registering search attributes failed: ${msg}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

const taken = new Set<number>();

/** A free port in 20000–32000 (random, then checked by binding it), never handed out twice by this process. */
export async function lowFreePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
}
