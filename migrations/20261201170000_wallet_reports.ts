import type { Knex } from 'knex';

// The wallet report (issue #14): a version per wallet that every change of its stored history bumps (the report
// cache's key), the cached reports themselves, and a daily OOF score per wallet to chart.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('wallet_history_versions', (t) => {
    t.text('wallet').primary();
    t.bigInteger('version').notNullable().defaultTo(1);
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Statement-level triggers with transition tables: one upsert per statement and wallet, not one per row, so
  // ingestion's batched inserts pay little. Every path that writes history (backfill, webhook, actor, re-parse) is
  // covered without any of them knowing about reports.
  await knex.raw(`
    create function bump_wallet_history_versions() returns trigger language plpgsql as $$
    begin
      insert into wallet_history_versions (wallet, version, changed_at)
        select distinct wallet, 1, now() from changed
        on conflict (wallet) do update set version = wallet_history_versions.version + 1, changed_at = now();
      return null;
    end $$`);
  for (const table of ['wallet_transactions', 'actions']) {
    await knex.raw(`create trigger ${table}_history_ins after insert on ${table} referencing new table as changed for each statement execute function bump_wallet_history_versions()`);
    await knex.raw(`create trigger ${table}_history_del after delete on ${table} referencing old table as changed for each statement execute function bump_wallet_history_versions()`);
  }

  await knex.schema.createTable('wallet_reports', (t) => {
    // A hash of what was asked (wallets, from, to, export); `stamp` is what it was computed from.
    t.text('scope').primary();
    t.specificType('wallets', 'text[]').notNullable();
    t.text('stamp').notNullable();
    t.text('body').notNullable(); // the JSON answer, as sent
    t.text('trades_csv'); // the trades export, once asked for
    t.integer('actions').notNullable().defaultTo(0);
    t.timestamp('computed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('wallet_score_history', (t) => {
    t.text('wallet').notNullable();
    t.date('day').notNullable();
    t.smallint('score').notNullable();
    t.decimal('missed_usd', 38, 18).notNullable();
    t.decimal('volume_usd', 38, 18).notNullable();
    t.integer('moments').notNullable();
    t.timestamp('computed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['wallet', 'day']);
  });
  await knex.raw(`alter table wallet_score_history add constraint wallet_score_range check (score between 0 and 100)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('wallet_score_history');
  await knex.schema.dropTableIfExists('wallet_reports');
  for (const table of ['wallet_transactions', 'actions']) {
    await knex.raw(`drop trigger if exists ${table}_history_ins on ${table}`);
    await knex.raw(`drop trigger if exists ${table}_history_del on ${table}`);
  }
  await knex.raw('drop function if exists bump_wallet_history_versions()');
  await knex.schema.dropTableIfExists('wallet_history_versions');
}
