import type { Knex } from 'knex';

const AMOUNT = [38, 18] as const;

export async function up(knex: Knex): Promise<void> {
  // One row per open watch: what the price refresh fetches (its mint) and the price that wakes it (its trigger).
  // A watch costs nothing while the price stays on the right side of its trigger.
  await knex.schema.createTable('price_alarms', (t) => {
    t.text('watch_id').primary();
    t.text('wallet').notNullable();
    t.text('signature').notNullable();
    t.text('mint').notNullable();
    t.text('side').notNullable(); // sell → S2E (alarm upward), buy → BHD (alarm downward)
    t.decimal('trade_price', ...AMOUNT).notNullable();
    // The quantity the $ threshold is judged on: what was sold, or what is still held of the bought lot.
    t.decimal('quantity', ...AMOUNT).notNullable();
    // The severity the next alarm asks for: the threshold at first, then a step worse than the last judgement.
    t.decimal('min_severity', ...AMOUNT).notNullable().defaultTo(0);
    t.integer('alarms_left').notNullable();
    t.text('direction'); // up | down; null with trigger: no alarm (budget spent, nothing held, cannot cross)
    t.decimal('trigger', ...AMOUNT);
    // The alarm's generation: a refresh signals (watch_id, step) once; a stale or repeated signal is ignored.
    t.integer('step').notNullable().defaultTo(0);
    t.integer('signalled_step');
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // The refresh's range query per mint: the alarms whose trigger the new price has crossed.
  await knex.raw('create index price_alarms_trigger on price_alarms (mint, direction, trigger) where trigger is not null');
  // The watched mints, listed by a skip scan over this index (cost follows mints, not watches).
  await knex.raw('create index price_alarms_mint on price_alarms (mint)');
  await knex.raw('create index price_alarms_ends_at on price_alarms (ends_at)');

  // Why a trade has no moment although it might have one (no price within 2 h, a provider that failed), kept until
  // a later detection prices it; the refresh also fetches these mints, so the price arrives.
  await knex.schema.createTable('trade_skips', (t) => {
    t.text('wallet').notNullable();
    t.text('signature').notNullable();
    t.text('mint').notNullable();
    t.text('kind').notNullable();
    t.text('reason').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['wallet', 'signature', 'mint', 'kind']);
    t.index(['mint']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('trade_skips');
  await knex.schema.dropTableIfExists('price_alarms');
}
