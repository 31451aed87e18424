import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Webhook rows wait here until their wallets' actors have been signalled (the outbox of the webhook path):
  // the HTTP answer only needs the insert, and a Temporal outage delays the signal instead of losing it.
  await knex.schema.alterTable('transactions', (t) => {
    t.timestamp('dispatched_at', { useTz: true });
  });
  await knex.raw(`update transactions set dispatched_at = received_at where dispatched_at is null`);
  await knex.raw(`create index transactions_undispatched on transactions (received_at) where dispatched_at is null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists transactions_undispatched');
  await knex.schema.alterTable('transactions', (t) => t.dropColumn('dispatched_at'));
}
