import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Windows already fetched from a history provider, so each is fetched once.
  await knex.schema.createTable('price_windows', (t) => {
    t.text('mint').notNullable();
    t.text('source').notNullable();
    t.timestamp('from_ts', { useTz: true }).notNullable();
    t.timestamp('to_ts', { useTz: true }).notNullable();
    t.integer('points').notNullable();
    t.timestamp('fetched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['mint', 'source', 'from_ts', 'to_ts']);
  });
  // The best route for the same input, asked for when a live swap arrived: BadRoute's preferred reference.
  await knex.schema.createTable('route_quotes', (t) => {
    t.text('signature').primary();
    t.text('in_mint').notNullable();
    t.decimal('in_amount', 38, 18).notNullable();
    t.text('out_mint').notNullable();
    t.decimal('quoted_out', 38, 18).notNullable();
    t.text('provider').notNullable();
    t.timestamp('quoted_at', { useTz: true }).notNullable();
    t.jsonb('raw');
  });
  // The fee this wallet paid in the transaction (0 when another account paid it): detection's SOL balance needs it.
  await knex.schema.alterTable('wallet_transactions', (t) => t.bigInteger('fee_lamports').notNullable().defaultTo(0));
  await knex.schema.createTable('maintenance_runs', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('ran_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.jsonb('result').notNullable();
  });
  await knex.raw('create index price_points_ts on price_points (ts)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists price_points_ts');
  await knex.schema.dropTableIfExists('maintenance_runs');
  await knex.schema.alterTable('wallet_transactions', (t) => t.dropColumn('fee_lamports'));
  await knex.schema.dropTableIfExists('route_quotes');
  await knex.schema.dropTableIfExists('price_windows');
}
