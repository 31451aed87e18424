import type { Db } from '../../lib/db';
import { isSolanaAddress } from '../../lib/solana-address';
import { contentUrl, type ContentGateways } from '../../domain/tokens/content-url';
import { factsFromDas, factsFromJupiter, factsFromOffchain, factsFromParsedMint } from '../../domain/tokens/sources';
import { mergeFacts, TOKEN_PROGRAMS, type TokenFacts, type TokenRecord } from '../../domain/tokens/token';
import type { SolanaRpcClient } from '../chain/solana-rpc';
import type { OutboundPolicy } from '../net/ssrf-guard';
import { mintsNeedingLookup, setLogo, tokenRows, upsertTokens } from '../stores/token-store';
import type { HeliusDasClient } from './helius-das';
import type { JupiterTokensClient } from './jupiter-tokens';
import type { LogoStore } from './logo-store';
import { fetchOffchainJson } from './offchain-metadata';
import { fetchOnchainMetadata } from './onchain-metadata';

export interface TokenRegistryDeps {
  db: Db;
  jupiter?: JupiterTokensClient;
  /** Only when HELIUS_API_KEY is configured. */
  das?: HeliusDasClient;
  rpc?: SolanaRpcClient;
  logos?: LogoStore;
  gateways: ContentGateways;
  policy: OutboundPolicy;
  /** A row older than this is fetched again (TOKEN_REFRESH_AFTER_MS); metadata is mutable but changes rarely. */
  refreshAfterMs: number;
  batchSize?: number;
  /** Called with each source that failed for a batch (logged by the caller); the registry goes on with the rest. */
  onSourceError?: (source: string, err: unknown) => void;
}

export interface RegisterResult { asked: number; fetched: number; logos: number; sources: Record<string, number> }

const complete = (f: TokenFacts | undefined) => Boolean(f?.symbol && f.name && f.logoUrl && f.decimals !== undefined);

/**
 * The token registry: for mints it has not seen (or saw long ago), asks the sources in order — Jupiter, Helius DAS
 * (with a key), on-chain metadata over plain RPC, then the off-chain JSON for an image — each only for the mints the
 * earlier ones left incomplete, in batches; stores the merged row and fetches the logo once. Idempotent, and a source
 * that is down only leaves fields empty: nothing here fails because metadata is missing.
 */
export class TokenRegistry {
  /** Lookups in flight, by mint: a registration that lacks a mint another one is already asking about waits for it. */
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(private readonly d: TokenRegistryDeps) {}

  get refreshAfterMs(): number {
    return this.d.refreshAfterMs;
  }

  async register(mints: string[], opts: { force?: boolean; signal?: AbortSignal } = {}): Promise<RegisterResult> {
    const valid = [...new Set(mints)].filter(isSolanaAddress);
    const staleBefore = new Date(Date.now() - (opts.force ? -1 : this.d.refreshAfterMs));
    const todo = await mintsNeedingLookup(this.d.db, valid, staleBefore);
    const result: RegisterResult = { asked: valid.length, fetched: 0, logos: 0, sources: {} };
    const theirs = new Set(todo.filter((m) => this.inflight.has(m)).map((m) => this.inflight.get(m)!));
    const mine = todo.filter((m) => !this.inflight.has(m));
    const work = this.lookup(mine, result, opts.signal);
    for (const m of mine) this.inflight.set(m, work);
    try {
      // Another registration's failure is its own to report; this one only needed the rows it writes.
      await Promise.all([work, ...[...theirs].map((p) => p.catch(() => undefined))]);
    } finally {
      for (const m of mine) if (this.inflight.get(m) === work) this.inflight.delete(m);
    }
    return result;
  }

  private async lookup(todo: string[], result: RegisterResult, signal?: AbortSignal): Promise<void> {
    const size = this.d.batchSize ?? 100;
    for (let i = 0; i < todo.length; i += size) {
      const batch = todo.slice(i, i + size);
      const records = await this.resolve(batch, signal);
      await upsertTokens(this.d.db, records);
      result.fetched += records.length;
      for (const r of records) for (const s of r.source.split('+')) result.sources[s] = (result.sources[s] ?? 0) + 1;
      result.logos += await this.storeLogos(batch);
    }
  }

  private async safely<T>(source: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.d.onSourceError?.(source, e);
      return undefined;
    }
  }

  private async resolve(batch: string[], signal?: AbortSignal): Promise<TokenRecord[]> {
    const facts = new Map<string, Array<[string, TokenFacts | undefined]>>(batch.map((m) => [m, []]));
    const add = (mint: string, source: string, f: TokenFacts | undefined) => facts.get(mint)!.push([source, f]);
    const merged = (mint: string) => mergeFacts(mint, facts.get(mint)!);

    const jup = this.d.jupiter ? await this.safely('jupiter', () => this.d.jupiter!.byMint(batch, signal)) : undefined;
    for (const m of batch) {
      const e = jup?.get(m);
      if (e) add(m, 'jupiter', factsFromJupiter(e));
    }
    let open = batch.filter((m) => !complete(merged(m)));
    if (this.d.das && open.length) {
      const das = await this.safely('helius-das', () => this.d.das!.byMint(open, signal));
      for (const m of open) add(m, 'helius-das', das?.get(m) ? factsFromDas(das.get(m)) : undefined);
      open = open.filter((m) => !complete(merged(m)));
    }
    if (this.d.rpc && open.length) {
      const chain = await this.safely('rpc', () => fetchOnchainMetadata(this.d.rpc!, open, signal));
      for (const m of open) {
        const c = chain?.get(m);
        if (!c) continue;
        const mintFacts = factsFromParsedMint(m, c.mint);
        // Precedence (§8.4): Token-2022's own tokenMetadata extension first when the pointer names the mint, then
        // the Metaplex account; the mint account always gives decimals and program.
        if (mintFacts?.symbol || mintFacts?.name) add(m, 'token-2022', mintFacts);
        if (c.metaplex) add(m, 'metaplex', { symbol: c.metaplex.symbol, name: c.metaplex.name, metadataUri: c.metaplex.uri });
        if (mintFacts && !mintFacts.symbol && !mintFacts.name) add(m, 'mint', mintFacts);
        else if (!mintFacts && c.mint?.owner && TOKEN_PROGRAMS[c.mint.owner]) add(m, 'mint', { tokenProgram: TOKEN_PROGRAMS[c.mint.owner] });
      }
    }
    // The image, when no source gave one, is in the off-chain JSON behind the metadata uri.
    await Promise.all(batch.map(async (m) => {
      const r = merged(m);
      const url = !r.logoUrl ? contentUrl(r.metadataUri, this.d.gateways) : undefined;
      if (!url) return;
      const doc = await fetchOffchainJson(url, { policy: this.d.policy });
      add(m, 'offchain', factsFromOffchain(doc));
    }));
    return batch.map((m) => {
      const r = merged(m);
      // Jupiter lists everything that trades: asked and silent means no market there.
      if (jup && !jup.has(m)) r.hasMarket ??= false;
      return r;
    });
  }

  /** Fetches the logos these rows still lack (new, or whose published URL changed); the row says why when none. */
  private async storeLogos(mints: string[]): Promise<number> {
    if (!this.d.logos) return 0;
    const rows = await tokenRows(this.d.db, mints);
    let stored = 0;
    await Promise.all([...rows.values()].map(async (r) => {
      if (r.logoKey || r.logoStatus === 'failed' && !r.logoUrl) return;
      if (!r.logoUrl) return setLogo(this.d.db, r.mint, undefined, 'none');
      try {
        const key = await this.d.logos!.fetchAndStore(r.mint, r.logoUrl);
        await setLogo(this.d.db, r.mint, key, 'stored');
        stored++;
      } catch (e) {
        this.d.onSourceError?.('logo', e);
        await setLogo(this.d.db, r.mint, undefined, 'failed');
      }
    }));
    return stored;
  }
}
