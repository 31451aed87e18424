import knex, { type Knex } from 'knex';
import { migrationSource } from '../migrations';

export type Db = Knex;

export function createDb(url: string, opts: { poolMax?: number; applicationName?: string } = {}): Db {
  return knex({
    client: 'pg',
    connection: { connectionString: url, application_name: opts.applicationName ?? 'oof' },
    pool: { min: 0, max: opts.poolMax ?? 10 },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

export async function migrateRollback(db: Db, all = false): Promise<string[]> {
  const [, reverted] = (await db.migrate.rollback(undefined, all)) as [number, string[]];
  return reverted;
}

/** Creates the database named in url when it does not exist, connecting to the server's maintenance database. */
export async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!name || name === 'postgres') return;
  u.pathname = '/postgres';
  const admin = createDb(u.toString(), { poolMax: 1 });
  try {
    const found = await admin.raw('select 1 from pg_database where datname = ?', [name]);
    if (found.rowCount === 0) await admin.raw('create database ??', [name]);
  } finally {
    await admin.destroy();
  }
}
