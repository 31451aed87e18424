import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The token registry (issue #19): what traders call a mint, where its logo is, and how far to trust it.
  await knex.schema.createTable('tokens', (t) => {
    t.text('mint').primary();
    t.text('symbol');
    t.text('name');
    t.smallint('decimals');
    t.text('token_program'); // spl-token | token-2022
    t.text('logo_url'); // as published by the source
    t.text('metadata_uri');
    t.text('logo_key'); // the resized PNG in the card store, once fetched
    t.text('logo_status'); // stored | none | failed: why there is no logo_key
    t.boolean('verified').notNullable().defaultTo(false);
    t.specificType('tags', 'text[]').notNullable().defaultTo('{}');
    t.decimal('organic_score', 38, 18); // 0–100; the precision every NUMERIC here shares
    // A price or liquidity quoted by a source: null when no source that would know was asked.
    t.boolean('has_market');
    t.text('source').notNullable();
    t.timestamp('first_seen', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('fetched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['fetched_at']);
  });
  await knex.raw(`alter table tokens add constraint tokens_program_check check (token_program in ('spl-token','token-2022'))`);
  // Spam as the wallet's detection judged it (unsolicited, unverified, unpriced); the deny list is applied on read too.
  await knex.schema.alterTable('moments', (t) => t.boolean('spam').notNullable().defaultTo(false));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('moments', (t) => t.dropColumn('spam'));
  await knex.schema.dropTableIfExists('tokens');
}
