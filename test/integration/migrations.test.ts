import { createDb, migrateLatest, migrateRollback } from '../../lib/db';
import { testEnv } from '../helpers/env';

describe('migrations', () => {
  const name = `oof_migr_${Date.now()}`;
  const admin = createDb(testEnv().adminDatabaseUrl, { poolMax: 1 });
  const url = new URL(testEnv().adminDatabaseUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { poolMax: 2 });

  beforeAll(async () => { await admin.raw('create database ??', [name]); });
  afterAll(async () => {
    await db.destroy();
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });

  it('migrates up, rolls back to nothing, and migrates up again', async () => {
    expect(await migrateLatest(db)).toContain('20261124000000_initial_schema');
    const tables = async () => (await db.raw(`select tablename from pg_tables where schemaname = 'public' and tablename not like 'knex%' order by 1`)).rows.map((r: any) => r.tablename as string).sort();
    expect(await tables()).toEqual(['actions', 'alert_deliveries', 'alert_destinations', 'analyses', 'idempotency_keys', 'maintenance_runs', 'moment_events', 'moments', 'price_alarms', 'price_points', 'price_windows', 'rate_limits', 'route_quotes', 'tokens', 'tracked_wallets', 'trade_skips', 'transactions', 'wallet_access_grants', 'wallet_detection_state', 'wallet_history_versions', 'wallet_privacy', 'wallet_reports', 'wallet_score_history', 'wallet_transactions']);
    await migrateRollback(db, true);
    expect(await tables()).toEqual([]);
    await migrateLatest(db);
    expect(await tables()).toHaveLength(24);
  });

  it('stores money as NUMERIC(38,18)', async () => {
    const cols = await db.raw(`select table_name, column_name, numeric_precision, numeric_scale from information_schema.columns
      where table_schema = 'public' and data_type = 'numeric' and column_name not in ('severity', 'min_severity') order by 1, 2`);
    expect(cols.rows.length).toBeGreaterThanOrEqual(5);
    for (const c of cols.rows) expect([c.table_name, c.column_name, c.numeric_precision, c.numeric_scale]).toEqual([c.table_name, c.column_name, 38, 18]);
  });

  it('keeps one moment per (wallet, kind, mint, signature), even without a signature', async () => {
    const base = { wallet: 'W', kind: 'IdleYield', mint: 'M', signature: null, at: new Date(), severity: '0.5', missed_usd: '30', pct: '0.1', status: 'final' };
    await db('moments').insert({ id: '01A', ...base });
    await expect(db('moments').insert({ id: '01B', ...base })).rejects.toThrow(/moments_identity/);
    await db('moments').del();
  });
});
