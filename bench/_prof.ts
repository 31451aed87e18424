import { computeReport } from '../domain/report/compute';
import { syntheticReportHistory } from '../bench/report-history';
const h = syntheticReportHistory('W', { actions: 100_000, mints: 200 });
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  const res = computeReport({ wallets: ['W'], transactions: h.transactions, prices: h.prices, nowMs: h.nowMs });
  const ms = performance.now() - t0;
  console.log(ms.toFixed(0), 'ms', (res.actions / ms * 1000).toFixed(0), 'actions/s');
}
