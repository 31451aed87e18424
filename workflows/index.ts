// The worker's workflow bundle entry: every workflow type the task queue serves.
export { analyzeWallets, progressQuery } from './analyze-wallets';
export { analyzeWallet } from './analyze-wallet';
export { backfillWallet, backfillProgressQuery } from './backfill-wallet';
export { walletActor, transactionsSignal, actorStateQuery } from './wallet-actor';
export { reconcileWallets } from './reconcile-wallets';
export { postTradeWatch } from './post-trade-watch';
export { refreshPrices } from './refresh-prices';
export { maintenance } from './maintenance';
export { deliverAlert, alertDigest } from './deliver-alert';
export { walletReport } from './wallet-report';
