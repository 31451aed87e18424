import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * Runs one of the project's TypeScript entry points (workers/main.ts, gateway/main.ts) as its own Node process. It
 * gets an IPC channel only so that it learns when its parent is gone, however the parent died (lib/shutdown.ts then
 * stops it): no child outlives its supervisor.
 */
export function spawnEntry(entry: string, env: NodeJS.ProcessEnv, opts: { silent?: boolean; args?: string[]; nodeArgs?: string[] } = {}): ChildProcess {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', path.join(ROOT, entry), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: opts.silent ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    // Its own process group: a terminal's Ctrl-C reaches only the supervisor, which then stops children in order.
    detached: true,
  });
  // The channel must not keep the parent alive by itself.
  child.channel?.unref();
  return child;
}

/** Last resort on the way out (process 'exit' handlers cannot wait): SIGKILL each still-running child's group. */
export function killGroupsNow(children: Iterable<{ pid?: number; exitCode: number | null; signalCode: NodeJS.Signals | null }>): void {
  for (const c of children) {
    if (!c.pid || c.exitCode !== null || c.signalCode !== null) continue;
    try { process.kill(-c.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within graceMs. */
export async function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export async function waitForHttp(url: string, timeoutMs: number, isUp: (status: number) => boolean = (s) => s === 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (isUp(res.status)) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms (${last})`);
}
