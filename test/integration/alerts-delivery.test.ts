import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { SecretBox } from '../../adapters/alerts/secret-box';
import { cardUrl, cardVersion } from '../../domain/cards/card-url';
import { momentFromRow, upsertMoments } from '../../adapters/stores/moments-store';
import { createAlertActivities, deliveryId, type AlertDeps } from '../../activities/alerts/alert-activities';
import { verifySignature } from '../../domain/alerts/signature';
import { momentId, type Moment } from '../../domain/detection/moment';
import { AlertDispatcher } from '../../gateway/alerts/dispatcher';
import { AlertReceivers } from '../helpers/alert-receivers';
import { eventually, startTestWorker, testConfig, testLog, uniqueQueue, useDbAndTemporal } from '../helpers/env';
import { postJson, startTestGateway, type TestGateway } from '../helpers/gateway';
import { tokensFor, upsertTokens } from '../../adapters/stores/token-store';
import { parseDenyList } from '../../domain/tokens/spam';
import { storeHistory } from '../helpers/store-history';

const KEY = randomBytes(32).toString('hex');
const BASE = 'https://oof.test';
const SOL = 'So11111111111111111111111111111111111111112';
const BOT = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ';
/** A fresh wallet per test: destinations and moments of one test never meet another's. */
const wallet = () => bs58.encode(randomBytes(32));
/** TOKEN_DENYLIST of the dispatcher: one mint, and a pattern on symbol and name. */
const DENIED = bs58.encode(randomBytes(32));
const DENY = parseDenyList([DENIED, '/rugpull/']);

function moment(w: string, over: Partial<Moment> = {}): Moment {
  const sig = over.signature ?? `sig${w.slice(0, 6)}`;
  return {
    id: momentId(Date.parse('2025-03-01T00:00:00Z'), w, over.kind ?? 'S2E', SOL, sig), kind: 'S2E', wallet: w, mint: SOL, signature: sig,
    at: '2025-03-01T00:00:00Z', pct: '0.5', missedUsd: '120.00', severity: '0.6667', status: 'provisional',
    explain: { tradePrice: '100', peakPrice: '150', peakAt: '2025-03-03T00:00:00Z', quantity: '2.4', windowDays: 7, priceSource: 'test' }, ...over,
  };
}

/**
 * Alerts end to end on the real Temporal server and Postgres: moments published to the outbox (as a watch does),
 * the dispatcher, deliverAlert on a worker, and local servers speaking the generic-webhook, Discord and Telegram
 * protocols, each checking the documented request shape.
 */
describe('alert delivery', () => {
  const t = useDbAndTemporal();
  const receivers = new AlertReceivers();
  const queue = uniqueQueue('alerts');
  const windowMs = 12_000;
  const perWindow = 4;
  let alerts: AlertDeps;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let gw: TestGateway;
  let dispatcher: AlertDispatcher;

  beforeAll(async () => {
    await receivers.start();
    // Loopback is allowed here explicitly: production's policy refuses it (alerts-destinations.test.ts).
    alerts = { box: new SecretBox(Buffer.from(KEY, 'hex')), sender: { policy: { requireHttps: false, allowLoopback: true }, telegramBaseUrl: receivers.url, timeoutMs: 3000 }, publicBaseUrl: BASE };
    worker = await startTestWorker(queue, t.db, { alerts });
    gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue, ALERTS_ENCRYPTION_KEY: KEY }), t.db, t.client);
    dispatcher = new AlertDispatcher({ db: t.db, temporal: t.client, taskQueue: queue, log: testLog, perWindow, windowMs, maxAttempts: 4, retryBaseMs: 200, retryMaxMs: 1000, idleMs: 100, denyList: DENY });
    dispatcher.start();
  }, 60_000);
  t.beforeClose(async () => {
    await dispatcher?.stop();
    await gw?.close();
    await worker?.stop();
    await receivers.stop();
  });

  async function register(body: Record<string, unknown>): Promise<any> {
    const res = await postJson(`${gw.url}/v1/alerts/destinations`, body);
    expect(res.status).toBe(201);
    return res.json();
  }
  const status = async (id: string) => (await (await fetch(`${gw.url}/v1/alerts/destinations/${id}`)).json());
  const settle = () => new Promise((r) => setTimeout(r, 1500));

  it('delivers to each kind of destination in its documented format, signed where it should be, once', async () => {
    const w = wallet();
    const hook = await register({ kind: 'webhook', url: `${receivers.url}/hooks/${w}`, wallets: [w] });
    await register({ kind: 'discord', url: `${receivers.url}/api/webhooks/112233445566778899/${w}-discord-token`, wallets: [w] });
    await register({ kind: 'telegram', botToken: BOT, chatId: '-1001234567890', wallets: [w] });
    const m = moment(w);
    await upsertMoments(t.db, [m]);
    await eventually(async () => (receivers.receipts.filter((r) => r.body.includes(m.id)).length >= 3 ? true : undefined), 20_000);
    await settle();
    const got = receivers.receipts.filter((r) => r.body.includes(m.id));
    expect(got.map((r) => `${r.kind} ${r.answered}`).sort()).toEqual(['discord 200', 'telegram 200', 'webhook 200']);
    const versioned = cardUrl(m, BASE);

    const webhook = got.find((r) => r.kind === 'webhook')!;
    const signature = String(webhook.headers['oof-signature']);
    expect(signature).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(verifySignature(hook.signingSecret, webhook.body, signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature('whsec_someone_elses_secret_0123456789abcdef', webhook.body, signature, Math.floor(Date.now() / 1000))).toBe(false);
    expect(verifySignature(hook.signingSecret, webhook.body.replace('120.00', '999.00'), signature, Math.floor(Date.now() / 1000))).toBe(false);
    // The alert carries the moment as the API shows it, its token view included.
    const stored = momentFromRow(await t.db('moments').where({ id: m.id }).first(), (await tokensFor(t.db, [m.mint])).get(m.mint));
    expect(webhook.json).toEqual({ id: deliveryId({ destinationId: hook.id, momentId: m.id, version: cardVersion(m) }), type: 'moment.created', createdAt: expect.any(String), moment: { ...stored, cardUrl: versioned }, shareUrl: `${BASE}/m/${m.id}` });
    expect(webhook.headers['oof-event']).toBe('moment.created');
    expect(webhook.headers['oof-delivery-id']).toBe(webhook.json.id);

    const discord = got.find((r) => r.kind === 'discord')!;
    expect(discord.json.allowed_mentions).toEqual({ parse: [] });
    expect(discord.json.embeds).toHaveLength(1);
    expect(discord.json.embeds[0]).toMatchObject({ title: 'Sold too early: $120 missed on SOL', url: `${BASE}/m/${m.id}`, image: { url: versioned } });
    expect(discord.json.embeds[0].fields.map((f: any) => f.name)).toEqual(['Missed', 'Move', 'Severity', 'Wallet', 'Token', 'Status']);

    const telegram = got.find((r) => r.kind === 'telegram')!;
    expect(telegram.path).toBe(`/bot${BOT}/sendPhoto`);
    expect(telegram.json).toMatchObject({ chat_id: '-1001234567890', photo: versioned, parse_mode: 'HTML' });
    expect(telegram.json.caption).toMatch(/^<b>Sold too early: \$120 missed on SOL<\/b>\nSold 2\.4 SOL at \$100 · it hit \$150 by 3 Mar 2025\. Provisional: /);
    expect(telegram.json.reply_markup.inline_keyboard[0][0].url).toBe(`${BASE}/m/${m.id}`);

    const view = await status(hook.id);
    expect(view.status).toMatchObject({ state: 'active', consecutiveFailures: 0, lastError: null });
    expect(view.status.lastSuccessAt).toEqual(expect.any(String));
    expect(view.deliveriesLastDay).toEqual({ sent: 1 });
    expect(JSON.stringify(view)).not.toContain(hook.signingSecret);
  }, 40_000);

  it('sends nothing for an update that changes nothing or a re-dispatched event; a new version once; filters apply', async () => {
    const w = wallet();
    await register({ kind: 'webhook', url: `${receivers.url}/v2/${w}`, wallets: [w] });
    await register({ kind: 'webhook', url: `${receivers.url}/final-only/${w}`, wallets: [w], statuses: ['final'] });
    await register({ kind: 'webhook', url: `${receivers.url}/severe/${w}`, wallets: [w], minSeverity: '0.9', kinds: ['S2E'] });
    await register({ kind: 'webhook', url: `${receivers.url}/bhd-only/${w}`, wallets: [w], kinds: ['BHD'] });
    const m = moment(w);
    await upsertMoments(t.db, [m]);
    await eventually(async () => (receivers.to(`/v2/${w}`).length === 1 ? true : undefined), 20_000);
    // Same numbers: no outbox event at all. Only the explanation changed: an event, but the same version.
    await upsertMoments(t.db, [m]);
    await upsertMoments(t.db, [{ ...m, explain: { ...m.explain, priceSource: 'another source' } }]);
    // The dispatcher reads every event again (a crash before it marked them): the workflow ids dedupe.
    await t.db('moment_events').where({ moment_id: m.id }).update({ alerts_dispatched_at: null });
    await settle();
    await settle();
    expect(receivers.to(`/v2/${w}`)).toHaveLength(1);
    expect(await t.db('moment_events').where({ moment_id: m.id }).whereNull('alerts_dispatched_at').count({ n: '*' }).first()).toEqual({ n: '0' });
    // Worse numbers, then final: two new versions, each delivered once where the filters let it through.
    await upsertMoments(t.db, [{ ...m, missedUsd: '240.00', pct: '1', severity: '1.0000' }]);
    await eventually(async () => (receivers.to(`/v2/${w}`).length === 2 ? true : undefined), 20_000);
    await upsertMoments(t.db, [{ ...m, missedUsd: '240.00', pct: '1', severity: '1.0000', status: 'final' }]);
    await eventually(async () => (receivers.to(`/v2/${w}`).length === 3 && receivers.to(`/final-only/${w}`).length === 1 ? true : undefined), 20_000);
    await settle();
    expect(receivers.to(`/v2/${w}`).map((r) => [r.json.type, r.json.moment.missedUsd, r.json.moment.status])).toEqual([
      ['moment.created', '120.00', 'provisional'], ['moment.updated', '240.00', 'provisional'], ['moment.finalized', '240.00', 'final'],
    ]);
    expect(receivers.to(`/final-only/${w}`).map((r) => r.json.moment.status)).toEqual(['final']);
    expect(receivers.to(`/severe/${w}`).map((r) => r.json.moment.severity)).toEqual(['1.0000', '1.0000']);
    expect(receivers.to(`/bhd-only/${w}`)).toEqual([]);
    // Every attempt of one delivery carries the same id, and every version has its own.
    expect(new Set(receivers.to(`/v2/${w}`).map((r) => r.json.id)).size).toBe(3);
  }, 60_000);

  it('retries with backoff, waiting as long as Retry-After and Telegram\'s retry_after ask, and sends once', async () => {
    const w = wallet();
    await register({ kind: 'webhook', url: `${receivers.url}/slow/${w}`, wallets: [w] });
    await register({ kind: 'telegram', botToken: BOT.replace('123456789', '987654321'), chatId: '@oof_alerts', wallets: [w] });
    receivers.plan(`/slow/${w}`, { status: 503, headers: { 'retry-after': '2' } }, { status: 500 });
    receivers.plan('/bot987654321:', { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } } });
    const m = moment(w);
    await upsertMoments(t.db, [m]);
    await eventually(async () => (receivers.to(`/slow/${w}`).some((r) => r.answered === 200) && receivers.to('/bot987654321:').some((r) => r.answered === 200) ? true : undefined), 30_000);
    await settle();
    const hook = receivers.to(`/slow/${w}`);
    expect(hook.map((r) => r.answered)).toEqual([503, 500, 200]);
    expect(hook[1]!.at - hook[0]!.at).toBeGreaterThanOrEqual(2000);
    expect(new Set(hook.map((r) => r.json.id)).size).toBe(1);
    const tg = receivers.to('/bot987654321:');
    expect(tg.map((r) => r.answered)).toEqual([429, 200]);
    expect(tg[1]!.at - tg[0]!.at).toBeGreaterThanOrEqual(1000);
  }, 45_000);

  it('pauses a destination that keeps failing, says why, skips it while paused, and resumes on request', async () => {
    const w = wallet();
    const hook = await register({ kind: 'webhook', url: `${receivers.url}/down/${w}`, wallets: [w] });
    const gone = await register({ kind: 'discord', url: `${receivers.url}/api/webhooks/998877665544332211/${w}-deleted-webhook`, wallets: [w] });
    receivers.failAlways(`/down/${w}`, { status: 500, body: { error: 'boom' } });
    receivers.failAlways('/api/webhooks/998877665544332211/', { status: 404, body: { code: 10015, message: 'Unknown Webhook' } });
    await upsertMoments(t.db, [moment(w)]);
    await eventually(async () => ((await status(hook.id)).status.state === 'paused' && (await status(gone.id)).status.state === 'paused' ? true : undefined), 30_000, 200);
    const down = await status(hook.id);
    expect(down.status.reason).toMatch(/^paused after 4 failed attempts to deliver moment [0-9A-Z]{26}: HTTP 500/);
    expect(down.status.consecutiveFailures).toBe(4);
    expect(receivers.to(`/down/${w}`)).toHaveLength(4);
    const deleted = await status(gone.id);
    // A deleted Discord webhook will not come back by retrying: one attempt, then paused.
    expect(deleted.status.reason).toMatch(/^paused after 1 failed attempt to deliver moment .*: HTTP 404 Unknown Webhook$/);
    expect(receivers.to('/api/webhooks/998877665544332211/')).toHaveLength(1);
    // While paused, new moments are recorded as skipped and not sent.
    await upsertMoments(t.db, [moment(w, { signature: `later${w.slice(0, 4)}` })]);
    await eventually(async () => ((await status(hook.id)).deliveriesLastDay.skipped === 1 ? true : undefined), 20_000, 200);
    expect(receivers.to(`/down/${w}`)).toHaveLength(4);
    receivers.failAlways(`/down/${w}`, undefined);
    const resumed = await postJson(`${gw.url}/v1/alerts/destinations/${hook.id}/resume`, {});
    expect((await resumed.json()).status).toMatchObject({ state: 'active', reason: null, consecutiveFailures: 0 });
    await upsertMoments(t.db, [moment(w, { signature: `after${w.slice(0, 4)}` })]);
    await eventually(async () => (receivers.to(`/down/${w}`).some((r) => r.answered === 200) ? true : undefined), 20_000);
  }, 60_000);

  it('holds what exceeds the per-window limit and sends it as one signed digest at the window\'s end', async () => {
    const w = wallet();
    const hook = await register({ kind: 'webhook', url: `${receivers.url}/busy/${w}`, wallets: [w] });
    const burst = Array.from({ length: perWindow + 3 }, (_, i) => moment(w, { signature: `burst${i}${w.slice(0, 4)}` }));
    await upsertMoments(t.db, burst);
    await eventually(async () => (receivers.to(`/busy/${w}`).some((r) => r.json.type === 'alerts.digest') ? true : undefined), windowMs * 2 + 10_000, 200);
    await settle();
    const got = receivers.to(`/busy/${w}`);
    const single = got.filter((r) => r.json.type === 'moment.created');
    const digests = got.filter((r) => r.json.type === 'alerts.digest');
    // Fixed windows: a burst that straddles a boundary may send up to the limit in each.
    expect(single.length).toBeGreaterThanOrEqual(perWindow);
    expect(digests.length).toBeGreaterThanOrEqual(1);
    const inDigests = digests.flatMap((d) => d.json.held.map((h: any) => h.id));
    expect([...single.map((r) => r.json.moment.id), ...inDigests].sort()).toEqual(burst.map((m) => m.id).sort());
    for (const d of digests) {
      expect(verifySignature(hook.signingSecret, d.body, String(d.headers['oof-signature']), Math.floor(Date.now() / 1000))).toBe(true);
      expect(d.headers['oof-event']).toBe('alerts.digest');
      expect(d.json.held[0]).toMatchObject({ cardUrl: expect.stringMatching(/^https:\/\/oof\.test\/v1\/cards\/moment\/[0-9A-Z]{26}-[0-9a-f]{10}\.png$/), shareUrl: expect.stringMatching(/^https:\/\/oof\.test\/m\//) });
    }
    expect((await status(hook.id)).deliveriesLastDay).toMatchObject({ sent: single.length, digested: inDigests.length });
  }, 60_000);

  it('alerts nobody for a spam token\'s moment: flagged by detection, airdropped (as a watch publishes it), or deny-listed', async () => {
    const w = wallet();
    await register({ kind: 'webhook', url: `${receivers.url}/spam/${w}`, wallets: [w] });
    // Sent to the wallet by transfer and never bought by it; the registry knows nothing about it.
    const airdropped = bs58.encode(randomBytes(32));
    await storeHistory(t.db, [{ signature: `air${w.slice(0, 8)}`, slot: 1, blockTime: '2025-02-28T00:00:00Z', wallet: w, failed: false, feeLamports: '0', feePayer: bs58.encode(randomBytes(32)), actions: [{ kind: 'transfer_in', sent: null, received: { mint: airdropped, amount: '1000000' } }] }]);
    const named = bs58.encode(randomBytes(32));
    await upsertTokens(t.db, [{ mint: named, symbol: 'RUG', name: 'Rugpull Inu', verified: false, tags: [], source: 'test' }]);
    const spam = [
      moment(w, { signature: 'sigflagged', spam: true }),
      moment(w, { signature: 'sigairdrop', mint: airdropped }),
      moment(w, { signature: 'sigdenied', mint: DENIED }),
      moment(w, { signature: 'signamed', mint: named }),
    ];
    await upsertMoments(t.db, spam);
    const real = moment(w, { signature: 'sigreal' });
    await upsertMoments(t.db, [real]);
    await eventually(async () => (receivers.to(`/spam/${w}`).length >= 1 ? true : undefined), 20_000);
    await settle();
    expect(receivers.to(`/spam/${w}`).map((r) => r.json.moment?.id ?? r.json.type)).toEqual([real.id]);
    // Not held, skipped or failed either: no delivery was started for them at all, and their events are done.
    expect(await t.db('alert_deliveries').whereIn('moment_id', spam.map((m) => m.id)).count({ n: '*' }).first()).toEqual({ n: '0' });
    expect(await t.db('moment_events').whereIn('moment_id', spam.map((m) => m.id)).whereNull('alerts_dispatched_at').count({ n: '*' }).first()).toEqual({ n: '0' });
  }, 40_000);

  it('a retried send activity sends once: the outcome is recorded as the receiver answers', async () => {
    const w = wallet();
    const hook = await register({ kind: 'webhook', url: `${receivers.url}/retried/${w}`, wallets: [w] });
    const m = moment(w);
    const activities = createAlertActivities({ db: t.db, alerts });
    const input = { destinationId: hook.id, momentId: m.id, version: cardVersion(m), eventType: 'moment.created' as const, moment: m, perWindow, windowMs, maxAttempts: 4, retryBaseMs: 200, retryMaxMs: 1000 };
    expect(await activities.admitAlert(input)).toEqual({ decision: 'send' });
    expect(await activities.admitAlert(input)).toEqual({ decision: 'send' });
    expect(await activities.sendAlert(input)).toEqual({ outcome: 'sent' });
    expect(await activities.sendAlert(input)).toEqual({ outcome: 'sent', reason: 'already sent' });
    expect(receivers.to(`/retried/${w}`)).toHaveLength(1);
  });
});
