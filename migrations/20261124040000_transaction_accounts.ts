import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The accounts a webhook transaction touches, computed once on receipt, so the dispatcher routes it without
  // reading and re-parsing the raw payload.
  await knex.schema.alterTable('transactions', (t) => t.specificType('accounts', 'text[]'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('transactions', (t) => t.dropColumn('accounts'));
}
