import type { Db } from '../../lib/db';
import { denied, isSpamToken, NEVER_UNSOLICITED, type DenyList } from '../../domain/tokens/spam';
import { tokenView, type TokenRecord, type TokenView } from '../../domain/tokens/token';

export interface TokenRow extends TokenRecord {
  logoStatus?: string;
  hasMarket?: boolean;
  firstSeen: string;
  fetchedAt: string;
}

function fromRow(r: any): TokenRow {
  const opt = <T>(v: T | null) => (v === null || v === undefined ? undefined : v);
  return {
    mint: r.mint, symbol: opt(r.symbol), name: opt(r.name), decimals: opt(r.decimals), tokenProgram: opt(r.token_program),
    logoUrl: opt(r.logo_url), metadataUri: opt(r.metadata_uri), logoKey: opt(r.logo_key), logoStatus: opt(r.logo_status),
    verified: r.verified, tags: r.tags ?? [], organicScore: r.organic_score === null ? undefined : String(Number(r.organic_score)),
    hasMarket: opt(r.has_market), source: r.source,
    firstSeen: new Date(r.first_seen).toISOString(), fetchedAt: new Date(r.fetched_at).toISOString(),
  };
}

/**
 * Idempotent: one row per mint; a re-fetch overwrites what the sources say now and keeps first_seen. The stored logo
 * is kept unless the published logo URL changed (then it is fetched again).
 */
export async function upsertTokens(db: Db, records: TokenRecord[]): Promise<void> {
  if (!records.length) return;
  const rows = records.map((t) => ({
    mint: t.mint, symbol: t.symbol ?? null, name: t.name ?? null, decimals: t.decimals ?? null, token_program: t.tokenProgram ?? null,
    logo_url: t.logoUrl ?? null, metadata_uri: t.metadataUri ?? null, verified: t.verified, tags: t.tags, organic_score: t.organicScore ?? null,
    has_market: t.hasMarket ?? null, source: t.source, fetched_at: db.fn.now(),
  }));
  await db('tokens').insert(rows).onConflict('mint').merge({
    symbol: db.raw('excluded.symbol'), name: db.raw('excluded.name'), decimals: db.raw('coalesce(excluded.decimals, tokens.decimals)'),
    token_program: db.raw('coalesce(excluded.token_program, tokens.token_program)'), logo_url: db.raw('excluded.logo_url'),
    metadata_uri: db.raw('excluded.metadata_uri'), verified: db.raw('excluded.verified'), tags: db.raw('excluded.tags'),
    organic_score: db.raw('excluded.organic_score'), has_market: db.raw('excluded.has_market'), source: db.raw('excluded.source'),
    fetched_at: db.raw('excluded.fetched_at'),
    logo_key: db.raw('case when tokens.logo_url is not distinct from excluded.logo_url then tokens.logo_key end'),
    logo_status: db.raw('case when tokens.logo_url is not distinct from excluded.logo_url then tokens.logo_status end'),
  });
}

export async function setLogo(db: Db, mint: string, logoKey: string | undefined, status: 'stored' | 'none' | 'failed'): Promise<void> {
  await db('tokens').where({ mint }).update({ logo_key: logoKey ?? null, logo_status: status });
}

export async function tokenRows(db: Db, mints: string[]): Promise<Map<string, TokenRow>> {
  const out = new Map<string, TokenRow>();
  const unique = [...new Set(mints)];
  for (let i = 0; i < unique.length; i += 5000) {
    for (const r of await db('tokens').whereIn('mint', unique.slice(i, i + 5000))) out.set(r.mint, fromRow(r));
  }
  return out;
}

export async function tokenRow(db: Db, mint: string): Promise<TokenRow | undefined> {
  return (await tokenRows(db, [mint])).get(mint);
}

/**
 * The one call that turns mints into the `token` objects the API shows (moments, positions, report lines): every
 * mint gets one, the unknown ones degraded to their short mint and identicon. `logoBase` prefixes the logo path
 * (the gateway's public origin) when an absolute URL is wanted.
 */
export async function tokensFor(db: Db, mints: string[], logoBase = ''): Promise<Map<string, TokenView>> {
  const rows = await tokenRows(db, mints);
  return new Map([...new Set(mints)].map((m) => [m, tokenView(m, rows.get(m), logoBase)]));
}

/** Mints not in the registry yet, or fetched before `staleBefore` (the rare refresh). */
export async function mintsNeedingLookup(db: Db, mints: string[], staleBefore: Date): Promise<string[]> {
  const rows = await tokenRows(db, mints);
  return [...new Set(mints)].filter((m) => {
    const r = rows.get(m);
    return !r || Date.parse(r.fetchedAt) < staleBefore.getTime();
  });
}

/** Every mint a wallet's actions name. */
export async function walletMints(db: Db, wallet: string): Promise<string[]> {
  const r = await db.raw(
    `select distinct mint from (select sent_mint as mint from actions where wallet = ? union select received_mint from actions where wallet = ?) m where mint is not null`,
    [wallet, wallet],
  );
  return r.rows.map((x: any) => x.mint);
}

/**
 * Whether a mint is spam for this wallet (issue #19): deny-listed, or received by transfer and never bought by it,
 * unverified and without a price or liquidity anywhere. Alerts ask this before sending anything; a mint the
 * registry has not seen counts as unverified and unpriced.
 */
export async function isSpam(db: Db, q: { mint: string; wallet: string }, deny: DenyList): Promise<boolean> {
  return (await spamPairs(db, [q], deny)).has(pairKey(q));
}

/** The spam verdict on a mint from its registry row (none: unverified, unpriced) and how it arrived; never SOL or a major. */
export function spamVerdict(mint: string, row: TokenRow | undefined, unsolicited: boolean, deny?: DenyList): boolean {
  // SOL and the majors never: a deny pattern aimed at their look-alikes (/usdc/) must not take the real ones.
  if (NEVER_UNSOLICITED.has(mint)) return false;
  return isSpamToken({
    unsolicited, verified: row?.verified ?? false, hasMarket: row?.hasMarket,
    denied: deny ? denied(deny, { mint, symbol: row?.symbol, name: row?.name }) : false,
  });
}

export const pairKey = (q: { mint: string; wallet: string }) => `${q.wallet}|${q.mint}`;

/**
 * Which of these mints are spam for this wallet, judged as a whole-history run judges them (`markSpam`), from the
 * stored actions: the live path, which sees only its batch, flags a moment the way the analysis would.
 */
export async function spamMints(db: Db, wallet: string, mints: string[], deny?: DenyList, exempt: Iterable<string> = []): Promise<Set<string>> {
  const spam = await spamPairs(db, mints.map((mint) => ({ wallet, mint })), deny, exempt);
  return new Set(mints.filter((mint) => spam.has(pairKey({ wallet, mint }))));
}

/**
 * isSpam for many (wallet, mint) pairs in two queries, whatever their number (the alert dispatcher asks it for a
 * whole outbox batch): the pairKeys of the pairs that are spam — denied, or unsolicited (received by transfer, never
 * bought; `exempt` mints and SOL/stablecoins never are) and neither verified nor traded anywhere.
 */
export async function spamPairs(db: Db, pairs: Array<{ mint: string; wallet: string }>, deny?: DenyList, exempt: Iterable<string> = []): Promise<Set<string>> {
  const spam = new Set<string>();
  if (!pairs.length) return spam;
  const tokens = await tokenRows(db, pairs.map((p) => p.mint));
  const unique = [...new Map(pairs.map((p) => [pairKey(p), p])).values()];
  const r = await db.raw(
    `select a.wallet, a.received_mint as mint, bool_or(a.kind = 'transfer_in') as received, bool_or(a.kind = 'swap') as bought
       from actions a join unnest(?::text[], ?::text[]) as q(wallet, mint) on a.wallet = q.wallet and a.received_mint = q.mint
      where a.kind in ('transfer_in', 'swap') group by a.wallet, a.received_mint`,
    [unique.map((p) => p.wallet), unique.map((p) => p.mint)],
  );
  const seen = new Map<string, { received: boolean; bought: boolean }>(r.rows.map((x: any) => [pairKey(x), { received: Boolean(x.received), bought: Boolean(x.bought) }]));
  const never = new Set([...NEVER_UNSOLICITED, ...exempt]);
  for (const p of unique) {
    const row = tokens.get(p.mint);
    const acts = seen.get(pairKey(p));
    if (spamVerdict(p.mint, row, Boolean(acts?.received) && !acts?.bought && !never.has(p.mint), deny)) spam.add(pairKey(p));
  }
  return spam;
}
