import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, constants, mkdir, rename, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const SETPRIV = '/usr/bin/setpriv';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;
const MIN_GO = [1, 25];

/** Design §3: registered on every start so visibility queries by wallet or analysis work. */
export const SEARCH_ATTRIBUTES = { Wallet: 'Keyword', MomentKinds: 'KeywordList', AnalysisId: 'Keyword' } as const;

export function cacheDir(): string {
  return process.env.OOF_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'oof');
}

export async function isExecutable(p: string): Promise<boolean> {
  return access(p, constants.X_OK).then(() => true, () => false);
}

export async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function goVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP('go', ['env', 'GOVERSION']);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * Finds the temporal CLI: $TEMPORAL_CLI, then PATH, then the project's cache; builds it into the cache with Go
 * when none is found. Fails with a message that says what to install.
 */
export async function findOrBuildTemporalCli(log: (msg: string) => void = () => undefined): Promise<string> {
  return findOrBuildGoTool({ name: 'temporal', envVar: 'TEMPORAL_CLI', module: TEMPORAL_CLI_MODULE, log });
}

/** A Go command-line tool the project runs: $ENV_VAR, the project's cache, PATH, else `go install` into the cache. */
export async function findOrBuildGoTool(t: { name: string; envVar: string; module: string; log?: (msg: string) => void; binary?: string }): Promise<string> {
  const fromEnv = process.env[t.envVar];
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new Error(`${t.envVar}=${fromEnv} is not an executable file`);
  }
  const cached = path.join(cacheDir(), 'bin', t.name);
  if (await isExecutable(cached)) return cached;
  const found = await onPath(t.name);
  if (found) return found;

  const go = await goVersion();
  const m = go?.match(/^go(\d+)\.(\d+)/);
  if (!m || Number(m[1]) < MIN_GO[0]! || (Number(m[1]) === MIN_GO[0] && Number(m[2]) < MIN_GO[1]!)) {
    throw new Error(
      `No ${t.name} found (looked at $${t.envVar}, ${cached} and PATH) and ` +
        (go ? `${go} is too old to build it` : 'no Go toolchain is installed') +
        ` (needs Go >= ${MIN_GO.join('.')}). Install ${t.name}, or Go and re-run.`,
    );
  }
  t.log?.(`building ${t.module} with ${go} into ${path.dirname(cached)} (a few minutes, once)`);
  await mkdir(path.dirname(cached), { recursive: true });
  // A module whose command is named generically (`server`) is built aside, then stored under the name we look for.
  const gobin = t.binary ? path.join(cacheDir(), 'build', t.name) : path.dirname(cached);
  await mkdir(gobin, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', t.module], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: gobin },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${t.module} exited with ${code}`))));
  });
  if (t.binary) await rename(path.join(gobin, t.binary), cached);
  return cached;
}

/**
 * The command line that has the kernel send the child SIGTERM when its parent dies, however it died (util-linux
 * setpriv, where there is one): a supervisor killed from outside leaves no server holding ports and connections.
 */
export function dyingWithParent(command: string, args: string[]): [string, string[]] {
  return existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', command, ...args]] : [command, args];
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface DevServerOptions {
  dbFile: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  namespace?: string;
  readyTimeoutMs?: number;
  onOutput?: (line: string) => void;
  /** Extra server dynamic config, KEY=JSON (tests lower the continue-as-new hint to exercise that path). */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** SQLite pragmas of the server's file (default: write-ahead log, fsync at checkpoints; see DEV_SERVER_SQLITE_PRAGMAS). */
  sqlitePragmas?: string[];
}

/**
 * The dev server's SQLite file in WAL mode with synchronous=NORMAL: SQLite's rollback journal with a full fsync on
 * every commit serialises every history write of the whole server behind the disk. WAL + NORMAL keeps the file
 * consistent through a crash of the process (a power loss may lose the last commits); the production shape runs the
 * real server on Postgres instead.
 */
export const DEV_SERVER_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

export interface DevServer {
  address: string;
  uiUrl?: string;
  pid: number;
  cli: string;
  stop(): Promise<void>;
}

async function waitForHealth(cli: string, address: string, namespace: string, deadline: number, child: ChildProcess): Promise<void> {
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server exited early with code ${child.exitCode}`);
    try {
      await execFileP(cli, ['operator', 'namespace', 'describe', '--address', address, '--namespace', namespace], { timeout: 5000 });
      return;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Temporal dev server at ${address} not ready in time: ${lastError}`);
}

async function ensureSearchAttributes(cli: string, address: string, namespace: string): Promise<void> {
  const args = ['operator', 'search-attribute', 'create', '--address', address, '--namespace', namespace];
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--name', name, '--type', type);
  try {
    await execFileP(cli, args, { timeout: 15_000 });
  } catch (e) {
    const msg = `${(e as any).stderr ?? ''}${(e as Error).message}`;
    if (!/already exists/i.test(msg)) throw new Error(`registering search attributes failed: ${msg}`);
  }
}

/**
 * Starts `temporal server start-dev` bound to 127.0.0.1 with a persistent SQLite file and the project's search
 * attributes, and resolves once the namespace answers. stop() sends SIGTERM and escalates to SIGKILL.
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = await findOrBuildTemporalCli(opts.onOutput);
  const namespace = opts.namespace ?? 'default';
  const port = opts.port ?? 7233;
  const address = `127.0.0.1:${port}`;
  await mkdir(path.dirname(opts.dbFile), { recursive: true });
  const dbExisted = await stat(opts.dbFile).then(() => true, () => false);

  const args = [
    'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', opts.dbFile,
    '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
    '--log-level', 'warn',
  ];
  for (const p of opts.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS) args.push('--sqlite-pragma', p);
  for (const [k, v] of Object.entries(opts.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  if (namespace !== 'default') args.push('--namespace', namespace);
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort ?? port + 1000));
  // On a fresh DB file the server registers them itself; an existing file gets them through the operator API below.
  if (!dbExisted) for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);

  const [command, argv] = dyingWithParent(cli, args);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const forward = (buf: Buffer) => buf.toString().split('\n').filter(Boolean).forEach((l) => opts.onOutput?.(l));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
    const killed = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
    await exited;
    clearTimeout(killed);
  };

  try {
    await waitForHealth(cli, address, namespace, Date.now() + (opts.readyTimeoutMs ?? 60_000), child);
    if (dbExisted) await ensureSearchAttributes(cli, address, namespace);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    address,
    uiUrl: opts.headless ? undefined : `http://127.0.0.1:${opts.uiPort ?? port + 1000}`,
    pid: child.pid!,
    cli,
    stop,
  };
}
