import type { Db } from '../../lib/db';
import type { SolanaRpcClient } from '../chain/solana-rpc';
import { outboundPolicyFor } from '../net/ssrf-guard';
import type { CardStore } from '../stores/card-store';
import { HeliusDasClient } from './helius-das';
import { JupiterTokensClient } from './jupiter-tokens';
import { LogoStore } from './logo-store';
import { TokenRegistry } from './registry';

export interface TokenSettings {
  environment: string;
  jupiterBaseUrl?: string;
  jupiterApiKey?: string;
  heliusApiKey?: string;
  heliusDasUrl?: string;
  ipfsGateway?: string;
  arweaveGateway?: string;
  refreshAfterMs?: number;
  requestsPerMinute?: number;
  logoMaxBytes?: number;
}

export const DEFAULT_GATEWAYS = { ipfs: 'https://ipfs.io/ipfs/', arweave: 'https://arweave.net/' };

export function logoStoreFor(store: CardStore, s: TokenSettings): LogoStore {
  return new LogoStore({ store, policy: outboundPolicyFor(s.environment), gateways: { ipfs: s.ipfsGateway ?? DEFAULT_GATEWAYS.ipfs, arweave: s.arweaveGateway ?? DEFAULT_GATEWAYS.arweave }, maxBytes: s.logoMaxBytes });
}

/** The registry from the configuration: every source that is configured, in the order of trust. */
export function createTokenRegistry(db: Db, s: TokenSettings, deps: { rpc?: SolanaRpcClient; store?: CardStore; onSourceError?: (source: string, err: unknown) => void }): TokenRegistry {
  const perMinute = s.requestsPerMinute ?? 30;
  return new TokenRegistry({
    db,
    jupiter: s.jupiterBaseUrl ? new JupiterTokensClient({ baseUrl: s.jupiterBaseUrl, apiKey: s.jupiterApiKey, requestsPerMinute: perMinute }) : undefined,
    das: s.heliusApiKey ? new HeliusDasClient({ url: s.heliusDasUrl ?? 'https://mainnet.helius-rpc.com', apiKey: s.heliusApiKey, requestsPerMinute: Math.max(perMinute, 60) }) : undefined,
    rpc: deps.rpc,
    logos: deps.store ? logoStoreFor(deps.store, s) : undefined,
    gateways: { ipfs: s.ipfsGateway ?? DEFAULT_GATEWAYS.ipfs, arweave: s.arweaveGateway ?? DEFAULT_GATEWAYS.arweave },
    policy: outboundPolicyFor(s.environment),
    refreshAfterMs: s.refreshAfterMs ?? 7 * 24 * 3_600_000,
    onSourceError: deps.onSourceError,
  });
}
