import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCardService } from '../../adapters/rendering/card-service';
import { renderCard, type RenderOptions } from '../../adapters/rendering/render';
import { DiskCardStore } from '../../adapters/stores/card-store';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { detectMoments } from '../../domain/detection/detect';
import type { Moment } from '../../domain/detection/moment';
import type { Db } from '../../lib/db';
import { testDb } from '../helpers/env';
import { prices, swap, T0, DAY, tx, USDC } from '../helpers/history';

const MINT = 'CardSvcMint1111111111111111111111111111111';
const WALLET = '7Hq9Xv2Ns7Kd3Pw8Ly6Bt1Mc5Rf9Zj2Ga7Ue4Wk8Qo3V';

describe('card service: one render per card version', () => {
  let db: Db;
  let moment: Moment;
  const store = new DiskCardStore(mkdtempSync(path.join(os.tmpdir(), 'oof-card-svc-')));
  let draws = 0;
  // The real renderer, counted: how many times pixels were made.
  const render = async (m: Moment, o: RenderOptions) => { draws++; return (await renderCard(m, o)).png; };

  beforeAll(async () => {
    db = testDb();
    const sell = { ...tx(T0, [swap(MINT, '1000', USDC, '1000')]), wallet: WALLET };
    moment = detectMoments({ wallet: WALLET, transactions: [sell], prices: prices({ [MINT]: [[T0 + DAY, '3']] }), nowMs: T0 + 30 * DAY }).moments[0]!;
    await upsertMoments(db, [moment]);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('draws a card asked for by many readers at once once, and does not draw a stored version again', async () => {
    const cards = createCardService({ db, store, render });
    draws = 0;
    const all = await Promise.all(Array.from({ length: 5 }, () => cards.render(moment)));
    expect(draws).toBe(1);
    expect(new Set(all.map((r) => r.key)).size).toBe(1);
    expect(await store.get(all[0]!.key)).toEqual(all[0]!.png);
    // The worker's pass over changed moments finds this version stored (the gateway drew it for its first reader).
    expect(await cards.renderMoments([moment.id])).toEqual({ rendered: 0, stored: 1, failed: [] });
    expect(draws).toBe(1);
    // Drawn again on request (the batch registered the moment's tokens after its first reader had it drawn).
    expect(await cards.renderMoments([moment.id], { redraw: true })).toEqual({ rendered: 1, stored: 0, failed: [] });
    expect(draws).toBe(2);
    // A new version of the moment is drawn.
    await upsertMoments(db, [{ ...moment, missedUsd: '4000.00' }]);
    expect(await cards.renderMoments([moment.id])).toEqual({ rendered: 1, stored: 0, failed: [] });
    expect(draws).toBe(3);
  });
});
