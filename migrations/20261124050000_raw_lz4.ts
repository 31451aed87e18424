import type { Knex } from 'knex';

// Raw payloads (≈ 11 KB each) are TOASTed and compressed on every insert; lz4 compresses several times faster than
// the default pglz, which is most of Postgres' CPU under webhook load. Servers built without lz4 keep pglz.
export async function up(knex: Knex): Promise<void> {
  const { rows } = await knex.raw(`select exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) as ok`);
  if (rows[0]?.ok) await knex.raw('alter table transactions alter column raw set compression lz4');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table transactions alter column raw set compression default');
}
