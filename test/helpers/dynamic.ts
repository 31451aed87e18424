import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

export const DYNAMIC_ENV = '5a1d0c3e-7b2f-4c6a-9e8d-1f2a3b4c5d6e';

interface Key { kid: string; privateKey: KeyLike; jwk: JWK }

/**
 * Dynamic.xyz as the gateway sees it: a JWKS endpoint on 127.0.0.1 (that can be taken down, or stop publishing a
 * key) and access tokens shaped like external-apis.md §5, signed with its keys.
 */
export class FakeDynamic {
  private readonly keys = new Map<string, Key>();
  published: string[] = [];
  down = false;
  fetches = 0;
  private readonly server = http.createServer((_req, res) => {
    this.fetches++;
    if (this.down) return void res.writeHead(503).end();
    const keys = this.published.map((kid) => this.keys.get(kid)!.jwk);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  jwksUrl = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v0/sdk/${DYNAMIC_ENV}/.well-known/jwks`;
  }

  stop(): Promise<void> {
    return new Promise<void>((r) => this.server.close(() => r()));
  }

  async addKey(kid: string, publish = true): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    this.keys.set(kid, { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } });
    if (publish) this.published.push(kid);
  }

  /** An access token of user `sub` whose verified Solana wallets are `wallets`. */
  token(sub: string, wallets: string[], kid = this.published[0]!, over: Record<string, unknown> = {}): Promise<string> {
    const claims = {
      iss: `app.dynamicauth.com/${DYNAMIC_ENV}`, environment_id: DYNAMIC_ENV, sub, scope: 'user:basic',
      verified_credentials: wallets.map((address, i) => ({ id: `vc-${i}`, format: 'blockchain', chain: 'solana', address, public_identifier: address, wallet_name: 'phantom' })),
      ...over,
    };
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuedAt().setExpirationTime('1h').sign(this.keys.get(kid)!.privateKey);
  }

  /** Gateway configuration that trusts this fake. */
  config(): Record<string, string> {
    return { AUTH_ALLOW_ANONYMOUS: 'false', DYNAMIC_ENVIRONMENT_ID: DYNAMIC_ENV, DYNAMIC_JWKS_URL: this.jwksUrl, DYNAMIC_JWKS_COOLDOWN_MS: '0' };
  }
}
