import { createDetectionActivities } from '../activities/detection/detect-activities';
import { loadWalletHistory } from '../adapters/stores/wallet-history';
import { detectMoments } from '../domain/detection/detect';
import { createDb, type Db } from '../lib/db';
import { startBenchEnv } from './env';
import { PriceSeries } from '../domain/detection/price-series';
import type { NormalizedTx } from '../domain/parsing/normalized';
import { prng } from '../lib/replay/synthetic-history';
import { atMost, collectGarbage, compare, interleave, ratiosPass } from './ceiling';
import type { BenchResult } from './machine';

const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const WALLET = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';

/** The history and the prices as ingestion and the history providers leave them in Postgres. */
async function storeAll(db: Db, txs: NormalizedTx[], prices: Map<string, PriceSeries>): Promise<void> {
  const B = 20_000;
  for (let i = 0; i < txs.length; i += B) {
    const part = txs.slice(i, i + B);
    const sig = part.map((t) => t.signature);
    const at = part.map((t) => t.blockTime!);
    await db.raw(`insert into transactions (signature, slot, block_time, fee_lamports, failed, source, raw, dispatched_at)
      select s, n, b, 5000, false, 'rpc', '{}'::jsonb, now() from unnest(?::text[], ?::bigint[], ?::timestamptz[]) as x(s, n, b)`, [sig, part.map((t) => t.slot), at]);
    await db.raw(`insert into wallet_transactions (wallet, signature, fee_lamports) select ?, s, 5000 from unnest(?::text[]) as x(s)`, [WALLET, sig]);
    const a = part.map((t) => t.actions[0]!);
    await db.raw(`insert into actions (signature, wallet, idx, kind, sent_mint, sent_amount, received_mint, received_amount, block_time)
      select s, ?, 0, 'swap', sm, sa, rm, ra, b from unnest(?::text[], ?::text[], ?::numeric[], ?::text[], ?::numeric[], ?::timestamptz[]) as x(s, sm, sa, rm, ra, b)`,
    [WALLET, sig, a.map((x) => x.sent!.mint), a.map((x) => x.sent!.amount), a.map((x) => x.received!.mint), a.map((x) => x.received!.amount), at]);
  }
  for (const [mint, series] of prices) {
    for (let i = 0; i < series.length; i += B) {
      const idx = Array.from({ length: Math.min(B, series.length - i) }, (_, k) => i + k);
      await db.raw(`insert into price_points (mint, ts, usd, source) select ?, t, u, 'birdeye' from unnest(?::timestamptz[], ?::numeric[]) as x(t, u)`,
        [mint, idx.map((j) => new Date(series.t[j]!)), idx.map((j) => series.textAt(j))]);
    }
  }
}

const TARGET = 'detectMoments ≤ 3× one plain pass over the same actions and price points (detectWallet ÷ bare selects reported)';

/**
 * The floor of any detector: every action's time, mints and amounts and every price point read once, converted as
 * any judgement must (the block time parsed, the amounts as numbers), nothing kept. Returns a sum so none of it is
 * optimised away.
 */
function plainPass(txs: NormalizedTx[], prices: Map<string, PriceSeries>): number {
  let acc = 0;
  const mintIds = new Map<string, number>();
  const id = (mint: string) => {
    let i = mintIds.get(mint);
    if (i === undefined) mintIds.set(mint, (i = mintIds.size));
    return i;
  };
  for (const tx of txs) {
    acc += Date.parse(tx.blockTime!) * 1e-12;
    for (const a of tx.actions) {
      if (a.sent) acc += Number(a.sent.amount) * 1e-9 + id(a.sent.mint);
      if (a.received) acc += Number(a.received.amount) * 1e-9 + id(a.received.mint);
    }
  }
  for (const series of prices.values()) for (let i = 0; i < series.length; i++) acc += series.t[i]! * 1e-15 + series.v[i]!;
  return acc;
}

/**
 * Detection over `actions` swaps and `points` price points (hourly random walks over `mints` tokens), one core:
 * the whole of detectMoments, from normalized history to sorted moments, is timed, interleaved with one plain pass
 * over the same input; then the same history and prices are stored in Postgres and detectWallet — load the history
 * and the prices, judge, upsert the moments — is timed end to end (what an analysis waits for), interleaved with bare
 * selects of the same rows. BENCH_DETECT_DB=0 skips the Postgres part.
 */
export async function detectBench(opts: { actions?: number; points?: number; mints?: number; hourlyVol?: number; slippage?: number; pairs?: number } = {}): Promise<BenchResult> {
  // Five pairs: the plain pass is short, so one disturbed pair weighs more than elsewhere.
  const pairs = opts.pairs ?? Number(process.env.BENCH_PAIRS ?? 5);
  const actions = opts.actions ?? Number(process.env.BENCH_DETECT_ACTIONS ?? 1_000_000);
  // SOL-like hourly volatility (≈ 0.8 %) and fills within ±0.6 % of the market: what real histories look like.
  const hourlyVol = opts.hourlyVol ?? 0.008;
  const slippage = opts.slippage ?? 0.006;
  const points = opts.points ?? Number(process.env.BENCH_DETECT_POINTS ?? 1_000_000);
  const mints = opts.mints ?? 20;
  const rand = prng(2024);
  const perMint = Math.floor(points / mints);
  const start = Date.parse('2020-01-01T00:00:00Z');
  const H = 3_600_000;
  const prices = new Map<string, PriceSeries>();
  const walks: Float64Array[] = [];
  for (let m = 0; m < mints; m++) {
    const walk = new Float64Array(perMint);
    let p = 1 + rand() * 10;
    const pts: Array<[number, string]> = [];
    for (let i = 0; i < perMint; i++) {
      p *= Math.exp((rand() - 0.5) * 2 * Math.sqrt(3) * hourlyVol);
      pts.push([start + i * H, p.toPrecision(10)]);
      walk[i] = Number(p.toPrecision(10));
    }
    walks.push(walk);
    prices.set(`Mint${String(m).padStart(4, '0')}`, new PriceSeries(pts));
  }
  const txs: NormalizedTx[] = [];
  const span = perMint * H;
  for (let i = 0; i < actions; i++) {
    const m = Math.floor(rand() * mints);
    const mint = `Mint${String(m).padStart(4, '0')}`;
    const atMs = start + Math.floor((i / actions) * span);
    const px = walks[m]![Math.floor((atMs - start) / H)]!;
    const qty = (1 + Math.floor(rand() * 1000)).toString();
    const usd = (Number(qty) * px * (1 + (rand() - 0.5) * 2 * slippage)).toFixed(6);
    const buy = rand() < 0.5;
    txs.push({
      signature: `bench${i}`, slot: i, blockTime: new Date(atMs).toISOString(), wallet: WALLET, failed: false, feeLamports: '5000', feePayer: WALLET,
      actions: [buy ? { kind: 'swap', sent: { mint: USDC, amount: usd }, received: { mint, amount: qty } } : { kind: 'swap', sent: { mint, amount: qty }, received: { mint: USDC, amount: usd } }],
    });
  }
  const nowMs = start + span + 10 * 24 * H;
  let moments: ReturnType<typeof detectMoments>['moments'] = [];
  let skipped = 0;
  let checksum = 0;
  const secondsOf = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;
  // Warm both sides' code on a tenth of the input first: the pairs compare steady states, not the JIT.
  detectMoments({ wallet: WALLET, transactions: txs.slice(0, Math.ceil(actions / 10)), prices, nowMs });
  plainPass(txs.slice(0, Math.ceil(actions / 10)), prices);
  const inMemory = await interleave(pairs, () => {
    moments = [];
    collectGarbage();
    const t = process.hrtime.bigint();
    const r = detectMoments({ wallet: WALLET, transactions: txs, prices, nowMs });
    const sec = secondsOf(t);
    moments = r.moments;
    skipped = r.skipped.length;
    return sec;
  }, () => {
    collectGarbage();
    const t = process.hrtime.bigint();
    checksum = plainPass(txs, prices);
    return secondsOf(t);
  });
  const judge = compare(inMemory, 'detectMoments seconds ÷ one plain pass reading every action and price point once', atMost(3));
  const rate = actions / judge.figure.ours;
  const byKind: Record<string, number> = {};
  for (const m of moments) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
  const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
  const figures: BenchResult['figures'] = {
    'swap actions': actions,
    'price points': perMint * mints,
    mints,
    'interleaved pairs': pairs,
    'detectMoments seconds': judge.figure,
    'detectMoments actions/s': Math.round(rate),
    'plain pass checksum (keeps it honest)': Number(checksum.toPrecision(6)),
    moments: moments.length,
    ...Object.fromEntries(Object.entries(byKind).map(([k, v]) => [`  ${k}`, v])),
    skipped,
    'heap MB': heapMb,
  };
  const ratio: NonNullable<BenchResult['ratio']> = { detectMoments: judge.ratio };
  if (process.env.BENCH_DETECT_DB === '0') return { name: `detection (one core, hourly volatility ${hourlyVol * 100} %, fills ±${slippage * 100} %)`, figures, ratio, target: TARGET, pass: ratiosPass(ratio) };

  const env = await startBenchEnv();
  const db = createDb(env.databaseUrl, { poolMax: 4 });
  try {
    await storeAll(db, txs, prices);
    await db.raw('analyze');
    const l0 = process.hrtime.bigint();
    const loaded = await loadWalletHistory(db, WALLET);
    const loadSeconds = secondsOf(l0);
    const { detectWallet } = createDetectionActivities({ db });
    let found = { moments: 0 };
    // The floor of reading it from Postgres: the same columns of the wallet's actions and of the price points, one
    // plain select each, rows as pg returns them.
    const endToEnd = await interleave(pairs, async () => {
      const d0 = process.hrtime.bigint();
      found = await detectWallet(WALLET, new Date(nowMs).toISOString());
      return secondsOf(d0);
    }, async () => {
      const d0 = process.hrtime.bigint();
      await db.raw(`select a.signature, a.block_time, a.kind, a.sent_mint, a.sent_amount, a.received_mint, a.received_amount from actions a where a.wallet = ?`, [WALLET]);
      await db.raw(`select mint, ts, usd from price_points where mint = any(?)`, [[...prices.keys()]]);
      return secondsOf(d0);
    });
    const wallet = compare(endToEnd, 'detectWallet seconds (load + prices + judge + upsert) ÷ bare selects of the same rows');
    ratio.detectWallet = wallet.ratio;
    return {
      name: `detection (one core, hourly volatility ${hourlyVol * 100} %, fills ±${slippage * 100} %)`,
      figures: {
        ...figures,
        'history load from Postgres seconds': Math.round(loadSeconds * 100) / 100,
        'detectWallet end to end seconds (load + prices + judge + upsert)': wallet.figure,
        'detectWallet actions/s': Math.round(actions / wallet.figure.ours),
        'detectWallet moments': found.moments,
        'history rows loaded': loaded.length,
      },
      ratio,
      target: TARGET,
      pass: ratiosPass(ratio),
    };
  } finally {
    await db.destroy();
    await env.stop();
  }
}
