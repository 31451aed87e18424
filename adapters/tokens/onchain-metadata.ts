import type { SolanaRpcClient } from '../chain/solana-rpc';
import { decodeMetaplexMetadata, type MetaplexMetadata } from '../../domain/tokens/metaplex';
import { metaplexMetadataAddress } from '../../domain/tokens/pda';

const MAX_KEYS = 100;

export interface OnchainMetadata {
  /** The jsonParsed mint account (decimals, program, Token-2022 extensions), or null when there is none. */
  mint: any | null;
  /** The decoded Metaplex metadata account, when it exists and names this mint. */
  metaplex?: MetaplexMetadata;
}

/**
 * On-chain metadata over plain RPC (external-apis.md §8.3–8.4): the mints as jsonParsed and their Metaplex metadata
 * PDAs as base64, ≤ 100 keys a getMultipleAccounts call. An account that does not decode is left out, not fatal.
 */
export async function fetchOnchainMetadata(rpc: SolanaRpcClient, mints: string[], signal?: AbortSignal): Promise<Map<string, OnchainMetadata>> {
  const out = new Map<string, OnchainMetadata>();
  for (let i = 0; i < mints.length; i += MAX_KEYS) {
    const batch = mints.slice(i, i + MAX_KEYS);
    const pdas = batch.map(metaplexMetadataAddress);
    const [parsed, raw] = await Promise.all([rpc.getMultipleAccounts(batch, 'jsonParsed', signal), rpc.getMultipleAccounts(pdas, 'base64', signal)]);
    batch.forEach((mint, j) => {
      const entry: OnchainMetadata = { mint: parsed?.value?.[j] ?? null };
      const acc = raw?.value?.[j];
      if (Array.isArray(acc?.data) && acc.data[1] === 'base64') {
        try {
          const md = decodeMetaplexMetadata(Buffer.from(String(acc.data[0]), 'base64'));
          if (md.mint === mint) entry.metaplex = md;
        } catch {
          // A truncated or foreign account: this source simply has nothing for the mint.
        }
      }
      out.set(mint, entry);
    });
  }
  return out;
}
