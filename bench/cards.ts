import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Moment } from '../domain/detection/moment';
import { momentId } from '../domain/detection/moment';
import { renderCard } from '../adapters/rendering/render';
import { upsertMoments } from '../adapters/stores/moments-store';
import { DiskCardStore } from '../adapters/stores/card-store';
import { upsertTokens, setLogo } from '../adapters/stores/token-store';
import { logoKey } from '../adapters/tokens/logo-store';
import { resizeLogo } from '../adapters/tokens/logo-image';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import type { Db } from '../lib/db';
import { cardUrl } from '../domain/cards/card-url';
import { createDb } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { freePort } from '../lib/temporal-dev-server';
import { startBenchEnv } from './env';
import { atMost, collectGarbage, compare, interleave, ratiosPass } from './ceiling';
import { percentile, type BenchResult } from './machine';
import { encodeRgbaPng } from '../adapters/rendering/png-encode';

const STATS_FLUSH_MS = 11_000;
const KINDS: Moment['kind'][] = ['S2E', 'BHD', 'BadRoute', 'IdleYield'];
const WALLET = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';
const MINT = 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm';

/** Reads of the tokens table by any backend so far (the gateway's registry lookups), from Postgres' own statistics. */
async function tokenTableReads(db: Db): Promise<number> {
  const r = await db.raw(`select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as n from pg_stat_user_tables where relname = 'tokens'`);
  return Number(r.rows[0]?.n ?? 0);
}

function moment(i: number): Moment {
  const kind = KINDS[i % 4]!;
  const at = Date.parse('2024-03-26T00:00:00Z') + i * 3_600_000;
  const mint = MINT;
  return {
    id: momentId(at, WALLET, kind, mint, `bench${i}`), kind, wallet: WALLET, mint, signature: `bench${i}`, at: new Date(at).toISOString().replace('.000Z', 'Z'),
    pct: (0.3 + (i % 7) / 10).toFixed(2), missedUsd: (25 + i * 37.5).toFixed(2), severity: ((i % 10) / 10).toFixed(4), status: i % 3 ? 'final' : 'provisional',
    explain: { quantity: '1000', tradePrice: '2.684', peakPrice: '4.8199', peakAt: '2024-03-31T09:00:00Z', troughPrice: '2.1', troughAt: '2024-03-30T00:00:00Z', inAmount: '1000', outAmount: '950', outMint: mint, reference: 'market', balance: '9999', days: '265', apy: '0.08' },
  };
}

const FONT_DIR = path.join(path.dirname(require.resolve('@fontsource/inter/package.json')), 'files');
const FONTS = ([400, 700, 800] as const).map((weight) => ({ name: 'Inter', data: readFileSync(path.join(FONT_DIR, `inter-latin-${weight}-normal.woff`)), weight, style: 'normal' as const }));

/** The ceiling of a card render: satori lays out one line of text in the cards' font, resvg rasterises it, 1200×630. */
async function oneLineCard(): Promise<Buffer> {
  const tree = { type: 'div', props: { style: { width: 1200, height: 630, display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#14161a', color: '#ffffff', fontFamily: 'Inter', fontWeight: 800, fontSize: 64 }, children: 'paper hands: $1,234 missed on WIF' } };
  const svg = await satori(tree as any, { width: 1200, height: 630, fonts: FONTS });
  // The same PNG encoder as the cards': the ceiling is the best this machine does on the same kind of work.
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: 1200 }, font: { loadSystemFonts: false } }).render();
  return encodeRgbaPng(image.pixels, image.width, image.height);
}

/**
 * Warm single-thread render times and sizes, interleaved in batches with a one-line card (the floor of any satori +
 * resvg card); then 100 concurrent card requests against the gateway while another route is timed, and the token
 * registry reads they caused.
 */
export async function cardsBench(opts: { renders?: number; pairs?: number; concurrent?: number } = {}): Promise<BenchResult> {
  const renders = opts.renders ?? 200;
  const pairs = opts.pairs ?? Number(process.env.BENCH_PAIRS ?? 5);
  const concurrent = opts.concurrent ?? 100;
  const points: Array<[number, string]> = Array.from({ length: 170 }, (_, i) => [Date.parse('2024-03-26T00:00:00Z') + i * 3_600_000, (2.6 + Math.sin(i / 9)).toFixed(8)]);
  // Cards carry the token's symbol and logo (issue #19): the registry's 96×96 PNG, as the card service passes it.
  const logo = await resizeLogo(Buffer.from(new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><circle cx="128" cy="128" r="120" fill="#c8a27a"/><circle cx="100" cy="110" r="14" fill="#222"/></svg>').render().asPng()), 'png');
  const tokens = { [MINT]: { symbol: 'WIF', logo: `data:image/png;base64,${logo.toString('base64')}` } };
  for (let i = 0; i < 5; i++) {
    await renderCard(moment(i), { chart: { points }, tokens }); // warm-up
    await oneLineCard();
  }
  const times: number[] = [];
  let maxSize = 0;
  let n = 0;
  // Batches of `perPair` renders, ours then the one-line card, `pairs` times; each batch's p50 is one sample.
  const perPair = Math.max(1, Math.round(renders / pairs));
  const s = await interleave(pairs, async () => {
    collectGarbage();
    const batch: number[] = [];
    for (let k = 0; k < perPair; k++, n++) {
      const t = performance.now();
      const { png } = await renderCard(moment(n), { chart: { points }, tokens });
      batch.push(performance.now() - t);
      maxSize = Math.max(maxSize, png.length);
    }
    times.push(...batch);
    return percentile(batch.sort((a, b) => a - b), 50);
  }, async () => {
    collectGarbage();
    const batch: number[] = [];
    for (let k = 0; k < perPair; k++) {
      const t = performance.now();
      await oneLineCard();
      batch.push(performance.now() - t);
    }
    return percentile(batch.sort((a, b) => a - b), 50);
  });
  times.sort((a, b) => a - b);
  const render = compare(s, 'warm render p50 ms ÷ satori + resvg of a one-line 1200×630 card in the same font (one thread)', atMost(2));

  const env = await startBenchEnv();
  const port = await freePort();
  // The setup's own reads of `tokens` (upsertMoments looks tokens up, the upsert and the logo update probe the key)
  // must not land in the measured window: Postgres flushes a backend's statistics late, so the setup connection is
  // closed (which flushes them) before anything is counted.
  const setup = createDb(env.databaseUrl, { poolMax: 1 });
  const db = createDb(env.databaseUrl, { poolMax: 1 });
  await upsertMoments(setup, Array.from({ length: concurrent }, (_, i) => moment(i)));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oof-cards-bench-'));
  // The token as the registry leaves it: a row and a stored logo beside the cards.
  await upsertTokens(setup, [{ mint: MINT, symbol: 'WIF', name: 'dogwifhat', decimals: 6, tokenProgram: 'spl-token', verified: true, tags: ['verified'], source: 'jupiter', logoUrl: 'https://example.invalid/wif.png' }]);
  await new DiskCardStore(dataDir).put(logoKey(MINT), logo);
  await setLogo(setup, MINT, logoKey(MINT), 'stored');
  await setup.destroy();
  const gateway = spawnEntry('gateway/main.ts', { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, PORT: String(port), LOG_LEVEL: 'warn', ENVIRONMENT: 'test', DATA_DIR: dataDir }, { silent: true });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 30_000);
    await fetch(`${base}${cardUrl(moment(0))}`); // warm the pool's threads and the token cache
    // A busy backend's statistics reach pg_stat_user_tables within a second, an idle one's within 10 s
    // (PGSTAT_IDLE_INTERVAL): wait that long on both sides of the measured window.
    await new Promise((r) => setTimeout(r, STATS_FLUSH_MS));
    const readsBefore = await tokenTableReads(db);
    const other: number[] = [];
    let burst = true;
    const probe = (async () => {
      while (burst) {
        const t = performance.now();
        await fetch(`${base}/health`).then((r) => r.arrayBuffer());
        other.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const cardTimes: number[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrent }, async (_, i) => {
      const t = performance.now();
      const res = await fetch(`${base}${cardUrl(moment(i))}`); // the URL the API hands out: no redirect
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`card ${i}: HTTP ${res.status}`);
      cardTimes.push(performance.now() - t);
    }));
    const burstMs = performance.now() - started;
    burst = false;
    await probe;
    await new Promise((r) => setTimeout(r, STATS_FLUSH_MS));
    const registryReads = (await tokenTableReads(db)) - readsBefore;
    other.sort((a, b) => a - b);
    cardTimes.sort((a, b) => a - b);
    const p99 = percentile(times, 99);
    const otherP99 = percentile(other, 99);
    return {
      name: 'cards',
      figures: {
        'warm render p50 ms (one thread)': render.figure,
        'warm render p99 ms (one thread)': Math.round(p99 * 10) / 10,
        'largest PNG KB': Math.round(maxSize / 1024),
        'concurrent card requests': concurrent,
        'burst (render on demand) ms': Math.round(burstMs),
        'card request p50 / p99 ms': `${Math.round(percentile(cardTimes, 50))} / ${Math.round(percentile(cardTimes, 99))}`,
        'GET /health during burst: probes': other.length,
        'GET /health p50 / p99 ms': `${Math.round(percentile(other, 50) * 10) / 10} / ${Math.round(otherP99 * 10) / 10}`,
        'token registry reads during the burst (warm)': registryReads,
        'token registry reads per warm render': Number((registryReads / concurrent).toFixed(3)),
      },
      ratio: { 'warm render p50': render.ratio },
      target: 'warm render p50 ≤ 2× a one-line satori + resvg card; PNG ≤ 150 KB; 0 registry reads per warm render (p99 ≤ 80 ms and other routes p99 < 50 ms under the burst reported: met on the reference machine)',
      pass: ratiosPass({ render: render.ratio }) && maxSize <= 150 * 1024 && registryReads === 0,
    };
  } finally {
    await stopProcess(gateway);
    await db.destroy();
    await env.stop();
  }
}
