import type { Knex } from 'knex';

// The fold of a wallet's history that incremental detection judges new transactions against
// (domain/detection/wallet-state.ts). Rebuildable from the history at any time: losing a row only costs one full run.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('wallet_detection_state', (t) => {
    t.text('wallet').primary();
    t.jsonb('state').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('wallet_detection_state');
}
