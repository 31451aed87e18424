import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // What analysing a wallet lets its requester read, and until when (docs/architecture.md, "Authorization").
  await knex.schema.createTable('wallet_access_grants', (t) => {
    t.text('principal').notNullable();
    t.text('wallet').notNullable();
    t.timestamp('granted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['principal', 'wallet']);
  });
  // A wallet its verified owner made private: only owners, services and admins read it or analyse it.
  await knex.schema.createTable('wallet_privacy', (t) => {
    t.text('wallet').primary();
    t.text('set_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Analyses made before grants existed keep giving access for the default 30 days from when they were made.
  await knex.raw(`
    insert into wallet_access_grants (principal, wallet, granted_at, expires_at)
    select requested_by, w, max(created_at), max(created_at) + interval '30 days'
    from analyses, unnest(wallets) as w
    where requested_by is not null
    group by requested_by, w
    on conflict do nothing`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('wallet_privacy');
  await knex.schema.dropTableIfExists('wallet_access_grants');
}
