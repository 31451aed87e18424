import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // rate-limiter-flexible's Postgres store (its own schema), shared by every gateway replica.
  await knex.raw(`create table if not exists rate_limits (key varchar(255) primary key, points integer not null default 0, expire bigint)`);
  // Idempotency-Key on POST /v1/analyze: the same caller and key always mean the same analysis.
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('principal').notNullable();
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.text('analysis_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['principal', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('idempotency_keys');
  await knex.schema.dropTableIfExists('rate_limits');
}
