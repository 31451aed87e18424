import type { Knex } from 'knex';
import * as initialSchema from './20261124000000_initial_schema';
import * as ingestion from './20261124010000_ingestion';
import * as webhookDispatch from './20261124020000_webhook_dispatch';
import * as reconcileCursor from './20261124030000_reconcile_cursor';
import * as transactionAccounts from './20261124040000_transaction_accounts';
import * as rawLz4 from './20261124050000_raw_lz4';
import * as pricingAndMoments from './20261124060000_pricing_and_moments';
import * as gatewayLimits from './20261124070000_gateway_limits';
import * as momentsPageIndex from './20261124080000_moments_page_index';
import * as walletAccess from './20261201100000_wallet_access';
import * as priceAlarms from './20261201130000_price_alarms';
import * as walletDetectionState from './20261201140000_wallet_detection_state';
import * as alerts from './20261201150000_alerts';
import * as tokens from './20261201160000_tokens';
import * as walletReports from './20261201170000_wallet_reports';

interface Migration { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> }

// An explicit, ordered list instead of a directory scan: it works the same under tsx, jest and a compiled build.
const migrations: Array<[string, Migration]> = [
  ['20261124000000_initial_schema', initialSchema],
  ['20261124010000_ingestion', ingestion],
  ['20261124020000_webhook_dispatch', webhookDispatch],
  ['20261124030000_reconcile_cursor', reconcileCursor],
  ['20261124040000_transaction_accounts', transactionAccounts],
  ['20261124050000_raw_lz4', rawLz4],
  ['20261124060000_pricing_and_moments', pricingAndMoments],
  ['20261124070000_gateway_limits', gatewayLimits],
  ['20261124080000_moments_page_index', momentsPageIndex],
  ['20261201100000_wallet_access', walletAccess],
  ['20261201130000_price_alarms', priceAlarms],
  ['20261201140000_wallet_detection_state', walletDetectionState],
  ['20261201150000_alerts', alerts],
  ['20261201160000_tokens', tokens],
  ['20261201170000_wallet_reports', walletReports],
];

export const migrationSource: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([name]) => name,
  getMigration: async ([, m]) => m,
};
