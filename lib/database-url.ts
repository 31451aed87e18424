import { Socket } from 'node:net';
import type { Config } from './config';
import type { Logger } from './logger';
import { spawnEntry, stopProcess } from './processes';

export const EMBEDDED_PG_PORT = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
const EMBEDDED_URL = `postgres://postgres:oof-embedded@127.0.0.1:${EMBEDDED_PG_PORT}/oof`;

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(500);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('timeout', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(false));
    s.connect(port, host);
  });
}

/**
 * DATABASE_URL when set; otherwise the embedded Postgres under DATA_DIR, started here (in a process of its own)
 * unless another OOF process already runs it. stop() stops only what this process started.
 */
export async function resolveDatabaseUrl(config: Config, log: Logger): Promise<{ url: string; embedded: boolean; stop(): Promise<void> }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  if (await portOpen(EMBEDDED_PG_PORT)) {
    log.info({ port: EMBEDDED_PG_PORT }, 'using the embedded Postgres already running');
    return { url: EMBEDDED_URL, embedded: true, stop: async () => undefined };
  }
  const child = spawnEntry('scripts/embedded-postgres.ts', { LOG_LEVEL: config.LOG_LEVEL }, { silent: true, args: [String(EMBEDDED_PG_PORT), config.DATA_DIR] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => { if (b.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`the embedded Postgres did not start (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)));
  });
  log.info({ port: EMBEDDED_PG_PORT }, 'started the embedded Postgres');
  return { url: EMBEDDED_URL, embedded: true, stop: async () => { await stopProcess(child, 30_000); } };
}
