import dns from 'node:dns';
import { isIP } from 'node:net';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { createDestinationsStore, newSigningSecret, type Destination, type DestinationSecrets } from '../../adapters/alerts/destinations-store';
import type { SecretBox } from '../../adapters/alerts/secret-box';
import { checkOutboundUrl, guardedLookup, OutboundBlockedError, type OutboundPolicy } from '../../adapters/net/ssrf-guard';
import type { Db } from '../../lib/db';
import { isSolanaAddress } from '../../lib/solana-address';
import { ownerOf, walletsNotAllowed } from '../alerts/wallet-access';
import { Problem } from '../problem';
import { parseOr400 } from '../validation';
import { ULID_RE } from './analyses';
import type { WalletPolicy } from '../auth/policy';

const address = z.string().refine(isSolanaAddress, { error: (i) => `"${String(i.input).slice(0, 64)}" is not a Solana address` });
const filters = {
  label: z.string().trim().min(1).max(100).optional(),
  wallets: z.array(address).min(1, 'name at least one wallet').max(100),
  kinds: z.array(z.enum(['S2E', 'BHD', 'BadRoute', 'IdleYield'])).min(1).optional(),
  minSeverity: z.string().regex(/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/, 'must be a number from 0 to 1 (at most 4 decimals)').default('0'),
  statuses: z.array(z.enum(['provisional', 'final'])).min(1).default(['provisional', 'final']),
};
const url = z.string().min(1).max(2048);
export const createDestinationBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), url, signingSecret: z.string().min(32).max(200).optional(), ...filters }).strict(),
  z.object({ kind: z.literal('discord'), url, ...filters }).strict(),
  z.object({
    kind: z.literal('telegram'),
    botToken: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{30,}$/, 'must be a bot token as @BotFather gives it (<digits>:<secret>)'),
    chatId: z.string().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, 'must be a numeric chat id or @channelusername'),
    ...filters,
  }).strict(),
]);

const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com']);
const DISCORD_PATH = /^\/api(\/v\d+)?\/webhooks\/\d{5,25}\/[A-Za-z0-9_-]{20,}\/?$/;

export interface AlertsDeps { db: Db; box: SecretBox; policy: OutboundPolicy; walletPolicy: WalletPolicy; maxPerOwner?: number }

/** The URL is checked as delivery will check it: scheme and literal address, then every address its name resolves to. */
async function checkDestinationUrl(raw: string, policy: OutboundPolicy, field: string): Promise<URL> {
  const refuse = (why: string) => new Problem(400, 'Bad Request', `invalid body: ${field}: ${why}`, { errors: [{ field, message: why }] });
  let u: URL;
  try {
    u = checkOutboundUrl(raw, policy);
  } catch (e) {
    throw refuse((e as Error).message);
  }
  if (u.hash) throw refuse('must not have a #fragment');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!isIP(host)) {
    await new Promise<void>((resolve, reject) => guardedLookup(policy)(host, { all: true } as dns.LookupOptions, (err) => (err ? reject(err) : resolve())))
      .catch((e: Error) => { throw refuse(e instanceof OutboundBlockedError ? e.message : `${host} does not resolve (${(e as any).code ?? e.message})`); });
  }
  return u;
}

function view(d: Destination, extra: Record<string, unknown> = {}) {
  return {
    id: d.id, kind: d.kind, label: d.label, target: d.target,
    filters: { wallets: d.filter.wallets, kinds: d.filter.kinds, minSeverity: d.filter.minSeverity, statuses: d.filter.statuses },
    status: { state: d.state, reason: d.pausedReason, consecutiveFailures: d.consecutiveFailures, lastError: d.lastError, lastSuccessAt: d.lastSuccessAt, lastFailureAt: d.lastFailureAt },
    createdAt: d.createdAt,
    links: { self: `/v1/alerts/destinations/${d.id}` },
    ...extra,
  };
}

function idParam(ctx: Context): string {
  const id = ctx.params.id!;
  if (!ULID_RE.test(id)) throw new Problem(400, 'Bad Request', `"${id.slice(0, 64)}" is not a destination id (a 26-character ULID)`);
  return id;
}

/** /v1/alerts/destinations: a caller's own destinations; anyone else's are "not found". Secrets go in, never out. */
export function alertsRouter(d: AlertsDeps): Router {
  const router = new Router();
  const store = createDestinationsStore(d.db, d.box);

  router.post('/v1/alerts/destinations', async (ctx) => {
    if (!ctx.is('application/json')) throw new Problem(415, 'Unsupported Media Type', 'send the destination as application/json');
    const body = parseOr400(createDestinationBody, ctx.request.body, 'body');
    const refused = await walletsNotAllowed(ctx, d.walletPolicy, body.wallets);
    if (refused.length) throw new Problem(403, 'Forbidden', `alerts can only be set for your own wallets and wallets you analysed; not ${refused.slice(0, 3).join(', ')}`);
    const owner = ownerOf(ctx);
    if ((await store.countActive(owner)) >= (d.maxPerOwner ?? 25)) throw new Problem(409, 'Conflict', `at most ${d.maxPerOwner ?? 25} destinations per caller; delete one first`);
    let secrets: DestinationSecrets;
    let generated: string | undefined;
    if (body.kind === 'telegram') {
      secrets = { botToken: body.botToken, chatId: body.chatId };
    } else {
      const u = await checkDestinationUrl(body.url, d.policy, 'url');
      if (body.kind === 'discord') {
        if (!DISCORD_PATH.test(u.pathname)) throw new Problem(400, 'Bad Request', 'invalid body: url: not a Discord webhook URL (…/api/webhooks/<id>/<token>)', { errors: [{ field: 'url', message: 'not a Discord webhook URL' }] });
        if (d.policy.requireHttps && !DISCORD_HOSTS.has(u.hostname)) throw new Problem(400, 'Bad Request', `invalid body: url: ${u.hostname} is not a Discord host`, { errors: [{ field: 'url', message: 'not a Discord host' }] });
        secrets = { url: u.toString() };
      } else {
        generated = body.signingSecret ? undefined : newSigningSecret();
        secrets = { url: u.toString(), signingSecret: body.signingSecret ?? generated };
      }
    }
    const created = await store.create({
      owner, kind: body.kind, label: body.label, secrets,
      filter: { wallets: [...new Set(body.wallets)], kinds: body.kinds ?? null, minSeverity: body.minSeverity, statuses: body.statuses },
    });
    ctx.status = 201;
    ctx.set('Location', `/v1/alerts/destinations/${created.id}`);
    // The generated signing secret is shown once, here; it is stored sealed and never shown again.
    ctx.body = view(created, generated ? { signingSecret: generated } : {});
  });

  router.get('/v1/alerts/destinations', async (ctx) => {
    ctx.body = { destinations: (await store.list(ownerOf(ctx))).map((x) => view(x)) };
  });

  router.get('/v1/alerts/destinations/:id', async (ctx) => {
    const id = idParam(ctx);
    const found = await store.get(ownerOf(ctx), id);
    if (!found) throw new Problem(404, 'Not Found', `no destination ${id}`);
    ctx.body = view(found, { deliveriesLastDay: await store.recentDeliveries(id) });
  });

  router.post('/v1/alerts/destinations/:id/resume', async (ctx) => {
    const id = idParam(ctx);
    const resumed = await store.resume(ownerOf(ctx), id);
    if (!resumed) throw new Problem(404, 'Not Found', `no destination ${id}`);
    ctx.body = view(resumed);
  });

  router.delete('/v1/alerts/destinations/:id', async (ctx) => {
    const id = idParam(ctx);
    if (!(await store.remove(ownerOf(ctx), id))) throw new Problem(404, 'Not Found', `no destination ${id}`);
    ctx.status = 204;
  });

  return router;
}
