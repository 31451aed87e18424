import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Where a user's moments are delivered. Secrets (the webhook or Discord URL, the Telegram bot token, the signing
  // secret) are AES-256-GCM ciphertext; only a display hint is kept in clear.
  await knex.schema.createTable('alert_destinations', (t) => {
    t.text('id').primary();
    t.text('owner').notNullable();
    t.text('kind').notNullable();
    t.text('label');
    t.text('target_hint').notNullable();
    t.text('secrets').notNullable();
    t.specificType('wallets', 'text[]').notNullable();
    t.specificType('kinds', 'text[]');
    t.decimal('min_severity', 5, 4).notNullable().defaultTo(0);
    t.specificType('statuses', 'text[]').notNullable();
    t.text('state').notNullable().defaultTo('active');
    t.text('paused_reason');
    t.integer('consecutive_failures').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('last_success_at', { useTz: true });
    t.timestamp('last_failure_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('deleted_at', { useTz: true });
    t.index(['owner']);
  });
  await knex.raw(`alter table alert_destinations add constraint alert_destinations_kind check (kind in ('webhook', 'discord', 'telegram'))`);
  await knex.raw(`alter table alert_destinations add constraint alert_destinations_state check (state in ('active', 'paused', 'deleted'))`);
  await knex.raw(`create index alert_destinations_wallets on alert_destinations using gin (wallets) where state <> 'deleted'`);
  // One row per (destination, moment version): the business key that makes a delivery happen once.
  await knex.schema.createTable('alert_deliveries', (t) => {
    t.text('destination_id').notNullable().references('alert_destinations.id').onDelete('CASCADE');
    t.text('moment_id').notNullable();
    t.text('version').notNullable();
    t.text('event_type').notNullable();
    t.jsonb('moment').notNullable();
    t.text('state').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('response_status');
    t.text('last_error');
    t.timestamp('admitted_at', { useTz: true });
    t.timestamp('held_window', { useTz: true });
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['destination_id', 'moment_id', 'version']);
  });
  await knex.raw(`alter table alert_deliveries add constraint alert_deliveries_state check (state in ('admitted', 'sent', 'held', 'digested', 'failed', 'skipped'))`);
  await knex.raw('create index alert_deliveries_window on alert_deliveries (destination_id, admitted_at)');
  await knex.raw(`create index alert_deliveries_held on alert_deliveries (destination_id, held_window) where state = 'held'`);
  // The alert dispatcher's mark on the moment outbox; events written before alerts existed are not alerted.
  await knex.schema.alterTable('moment_events', (t) => t.timestamp('alerts_dispatched_at', { useTz: true }));
  await knex.raw('update moment_events set alerts_dispatched_at = now()');
  await knex.raw('create index moment_events_alerts_pending on moment_events (id) where alerts_dispatched_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists moment_events_alerts_pending');
  await knex.schema.alterTable('moment_events', (t) => t.dropColumn('alerts_dispatched_at'));
  await knex.schema.dropTableIfExists('alert_deliveries');
  await knex.schema.dropTableIfExists('alert_destinations');
}
