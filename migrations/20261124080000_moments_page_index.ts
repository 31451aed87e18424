import type { Knex } from 'knex';

// GET /v1/moments orders by (at, id) descending within a wallet; with id in the index a page is one index range
// scan, no sort.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index moments_wallet_at_id on moments (wallet, at desc, id desc)');
  await knex.raw('drop index if exists moments_wallet_at');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists moments_wallet_at on moments (wallet, at desc)');
  await knex.raw('drop index if exists moments_wallet_at_id');
}
