import type { Knex } from 'knex';

// Money and token amounts are NUMERIC(38,18): exact, and wide enough for BONK-sized supplies at 18 decimals.
const AMOUNT = [38, 18] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('transactions', (t) => {
    t.text('signature').primary();
    t.bigInteger('slot').notNullable();
    t.timestamp('block_time', { useTz: true });
    // Lamports are integers; BIGINT keeps them exact (pg hands them to JS as strings).
    t.bigInteger('fee_lamports').notNullable().defaultTo(0);
    t.boolean('failed').notNullable().defaultTo(false);
    t.text('source').notNullable(); // rpc | helius-webhook-enhanced | helius-webhook-raw | helius-enhanced
    t.jsonb('raw');
    t.text('raw_key'); // object-store key when the payload is kept outside Postgres
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['block_time']);
  });

  await knex.schema.createTable('wallet_transactions', (t) => {
    t.text('wallet').notNullable();
    t.text('signature').notNullable().references('transactions.signature').onDelete('CASCADE');
    t.primary(['wallet', 'signature']);
    t.index(['signature']);
  });

  await knex.schema.createTable('actions', (t) => {
    t.text('signature').notNullable().references('transactions.signature').onDelete('CASCADE');
    t.text('wallet').notNullable();
    t.integer('idx').notNullable();
    t.text('kind').notNullable();
    t.text('sent_mint');
    t.decimal('sent_amount', ...AMOUNT);
    t.text('received_mint');
    t.decimal('received_amount', ...AMOUNT);
    t.text('counterparty');
    t.text('program_source');
    t.timestamp('block_time', { useTz: true });
    t.primary(['signature', 'wallet', 'idx']);
    t.index(['wallet', 'block_time']);
  });
  await knex.raw(`alter table actions add constraint actions_kind_check check (kind in ('swap','transfer_in','transfer_out','other'))`);

  await knex.schema.createTable('price_points', (t) => {
    t.text('mint').notNullable();
    t.timestamp('ts', { useTz: true }).notNullable();
    t.decimal('usd', ...AMOUNT).notNullable();
    t.text('source').notNullable();
    t.primary(['mint', 'ts', 'source']);
  });

  await knex.schema.createTable('moments', (t) => {
    t.text('id').primary(); // ULID
    t.text('wallet').notNullable();
    t.text('kind').notNullable();
    t.text('mint').notNullable();
    t.text('signature'); // IdleYield moments have none
    t.timestamp('at', { useTz: true }).notNullable();
    t.decimal('severity', 10, 4).notNullable();
    t.decimal('missed_usd', ...AMOUNT).notNullable();
    t.decimal('pct', ...AMOUNT).notNullable();
    t.text('status').notNullable();
    t.jsonb('explain').notNullable().defaultTo('{}');
    t.text('card_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table moments add constraint moments_kind_check check (kind in ('S2E','BHD','BadRoute','IdleYield'))`);
  await knex.raw(`alter table moments add constraint moments_status_check check (status in ('provisional','final'))`);
  await knex.raw(`alter table moments add constraint moments_severity_check check (severity >= 0 and severity <= 1)`);
  // NULLS NOT DISTINCT: an IdleYield moment (no signature) must still be unique per wallet and mint.
  await knex.raw(`alter table moments add constraint moments_identity unique nulls not distinct (wallet, kind, mint, signature)`);
  await knex.raw(`create index moments_wallet_severity on moments (wallet, severity desc)`);
  await knex.raw(`create index moments_wallet_at on moments (wallet, at desc)`);

  await knex.schema.createTable('moment_events', (t) => {
    t.bigIncrements('id').primary();
    t.text('moment_id').notNullable().references('moments.id').onDelete('CASCADE');
    t.text('type').notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['moment_id']);
    t.index(['created_at']);
  });

  await knex.schema.createTable('analyses', (t) => {
    t.text('id').primary(); // ULID
    t.specificType('wallets', 'text[]').notNullable();
    t.text('requested_by');
    t.text('status').notNullable();
    t.jsonb('progress').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.index(['requested_by', 'created_at']);
  });
  await knex.raw(`alter table analyses add constraint analyses_status_check check (status in ('pending','running','completed','failed','cancelled'))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['analyses', 'moment_events', 'moments', 'price_points', 'actions', 'wallet_transactions', 'transactions']) {
    await knex.schema.dropTableIfExists(table);
  }
}
