import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The newest signature of the last complete listing: a gap fill lists back to here and no further.
  await knex.schema.alterTable('tracked_wallets', (t) => t.text('reconciled_until'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tracked_wallets', (t) => t.dropColumn('reconciled_until'));
}
