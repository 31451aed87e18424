import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Why a wallet's view of a transaction could not be parsed; the raw payload is kept so it can be re-parsed.
  await knex.schema.alterTable('wallet_transactions', (t) => {
    t.text('parse_error');
    t.timestamp('ingested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Wallets whose live activity we follow (webhook routing, reconciliation); added when a wallet is analysed.
  await knex.schema.createTable('tracked_wallets', (t) => {
    t.text('wallet').primary();
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('reconciled_at', { useTz: true });
  });
  await knex.raw('create index transactions_slot on transactions (slot desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists transactions_slot');
  await knex.schema.dropTableIfExists('tracked_wallets');
  await knex.schema.alterTable('wallet_transactions', (t) => {
    t.dropColumn('parse_error');
    t.dropColumn('ingested_at');
  });
}
