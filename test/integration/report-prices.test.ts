import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { loadReportHistory, loadReportPrices, mintsOf, priceNeeds } from '../../adapters/reports/report-source';
import { PriceSeries } from '../../domain/detection/price-series';
import { computeReport } from '../../domain/report/compute';
import { seedReportHistory } from '../../bench/report';
import { syntheticReportHistory } from '../../bench/report-history';
import { useDbAndTemporal } from '../helpers/env';

/**
 * The report from Postgres reads only the price points design §6 picks (in rounds along rule 4's order), not the
 * series: it must report exactly what the full series report, also where prices have gaps (hours, and whole days of
 * SOL) so that the later legs of rule 4 are the ones priced.
 */
describe('report prices from Postgres', () => {
  const t = useDbAndTemporal();

  it('report exactly what the full price series report', async () => {
    const wallet = bs58.encode(randomBytes(32));
    const h = syntheticReportHistory(wallet, { actions: 3000, mints: 6, seed: 7 });
    // Unique names per run: other suites share the database.
    const tag = wallet.slice(0, 6);
    const rename = (m: string) => (m.startsWith('Mint') ? `${m}${tag}` : m);
    for (const tx of h.transactions) {
      tx.signature = `${tx.signature}${tag}`;
      for (const a of tx.actions) for (const leg of [a.sent, a.received]) if (leg) leg.mint = rename(leg.mint);
    }
    let k = 0;
    const points = new Map<string, Array<[number, string]>>();
    for (const [mint, pts] of h.points) {
      // Holes: every 7th hour of each token, and every other day of SOL (so SOL legs fall back to the token's price).
      points.set(rename(mint), pts.filter(([ms]) => (mint.startsWith('So1') ? Math.floor(ms / 86_400_000) % 2 === 0 : (k++ % 7) !== 0)));
    }
    const gapped = { ...h, points, prices: new Map([...points].map(([m, p]) => [m, new PriceSeries(p)])) };
    await seedReportHistory(t.db, wallet, gapped);
    const nowMs = h.nowMs;
    const txs = await loadReportHistory(t.db, [wallet], nowMs);
    expect(txs).toHaveLength(3000);
    const fromDb = computeReport({ wallets: [wallet], transactions: txs, prices: await loadReportPrices(t.db, priceNeeds(txs), mintsOf(txs), nowMs), nowMs, detail: true });
    const full = computeReport({ wallets: [wallet], transactions: gapped.transactions, prices: gapped.prices, nowMs, detail: true });
    expect(fromDb.report).toEqual(full.report);
    expect(fromDb.parts).toEqual(full.parts);
    // The holes did their work: some swaps are priced by a later leg, some not at all.
    expect(full.report.unpriced.length).toBeGreaterThan(0);
    expect(full.report.positions.length).toBe(7);
  }, 120_000);
});
