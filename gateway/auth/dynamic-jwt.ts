import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type FlattenedJWSInput, type JWSHeaderParameters, type JWTPayload } from 'jose';

export interface DynamicAuthOptions {
  environmentId: string;
  jwksUrl: string;
  /** Accepted `iss` values; both forms Dynamic issues by default. */
  issuers: string[];
  /** When set, `aud` must be one of these (the app's origins). */
  audiences?: string[];
  clockToleranceSeconds?: number;
  /** Least time between two JWKS fetches caused by unknown `kid`s. */
  cooldownMs?: number;
  /** Age after which the key set is fetched again (default 5 minutes): a key Dynamic removed stops being trusted. */
  maxAgeMs?: number;
  timeoutMs?: number;
  /** Told of every key lookup: served from the cached JWKS ('hit') or after fetching it ('fetch'). */
  onKeyLookup?: (result: 'hit' | 'fetch') => void;
}

export interface DynamicUser { userId: string; sessionId?: string; wallets: string[]; email?: string }

export type JwtResult = { ok: true; user: DynamicUser } | { ok: false; reason: string };

export function defaultIssuers(environmentId: string): string[] {
  return [`app.dynamicauth.com/${environmentId}`, `app.dynamic.xyz/${environmentId}`];
}

export function defaultJwksUrl(environmentId: string): string {
  return `https://app.dynamicauth.com/api/v0/sdk/${environmentId}/.well-known/jwks`;
}

/**
 * Dynamic.xyz access tokens (external-apis.md §5): RS256 only, key by `kid` from a cached remote JWKS (refetched on an
 * unknown `kid` at most once per cooldown, and once it is maxAgeMs old, so a revoked key stops working; while the
 * JWKS cannot be fetched the last key set it served stays in use, retried at most once per cooldown),
 * `exp`/`nbf` with a small tolerance, issuer in the allowed list, our environment, scope with `user:basic` and
 * without `requiresAdditionalAuth`, optional audience. The user's Solana wallets come from verified_credentials.
 */
export function createDynamicVerifier(o: DynamicAuthOptions) {
  const cooldownMs = o.cooldownMs ?? 30_000;
  const jwks = createRemoteJWKSet(new URL(o.jwksUrl), {
    cooldownDuration: cooldownMs,
    cacheMaxAge: o.maxAgeMs ?? 5 * 60_000,
    timeoutDuration: o.timeoutMs ?? 5_000,
  });
  // The keys last fetched, and until when a failed refresh is not tried again (jose would retry on every token).
  let known: { set: JSONWebKeySet; local: ReturnType<typeof createLocalJWKSet> } | undefined;
  let unreachableUntil = 0;
  const remember = () => {
    const set = jwks.jwks();
    if (set && set !== known?.set) known = { set, local: createLocalJWKSet(set) };
  };
  // A network failure, a timeout, a non-200 or unparsable answer: the endpoint is down, not the token bad.
  const unreachable = (e: unknown) => !(e instanceof errors.JOSEError) || e instanceof errors.JWKSTimeout || e.code === 'ERR_JOSE_GENERIC';
  const lookup = async (header?: JWSHeaderParameters, input?: FlattenedJWSInput) => {
    if (known && Date.now() < unreachableUntil) return known.local(header!, input!);
    try {
      const key = await jwks(header, input);
      remember();
      return key;
    } catch (e) {
      remember();
      if (!known || !unreachable(e)) throw e;
      unreachableUntil = Date.now() + Math.max(cooldownMs, 1000);
      return known.local(header!, input!);
    }
  };

  // jose does not report cache hits. A lookup that started with a fresh cache and left the key set as it was counts
  // as a hit (a refetch that returned the very same keys is indistinguishable, and counted as one too).
  const keys = async (header?: JWSHeaderParameters, input?: FlattenedJWSInput) => {
    const before = jwks.fresh ? JSON.stringify(jwks.jwks()) : undefined;
    try {
      return await lookup(header, input);
    } finally {
      o.onKeyLookup?.(before !== undefined && JSON.stringify(jwks.jwks()) === before ? 'hit' : 'fetch');
    }
  };

  return async function verify(token: string): Promise<JwtResult> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['RS256'],
        issuer: o.issuers,
        ...(o.audiences?.length ? { audience: o.audiences } : {}),
        clockTolerance: o.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      return { ok: false, reason: reasonOf(e) };
    }
    if (payload.environment_id !== o.environmentId) return { ok: false, reason: 'wrong_environment' };
    const scope = typeof payload.scope === 'string' ? payload.scope.split(/\s+/) : [];
    if (scope.includes('requiresAdditionalAuth')) return { ok: false, reason: 'additional_auth_required' };
    if (!scope.includes('user:basic')) return { ok: false, reason: 'missing_scope' };
    const creds = Array.isArray(payload.verified_credentials) ? payload.verified_credentials : [];
    const wallets = creds
      .filter((c: any) => c?.format === 'blockchain' && c?.chain === 'solana' && typeof c?.address === 'string')
      .map((c: any) => c.address as string);
    return {
      ok: true,
      user: { userId: String(payload.sub), sessionId: typeof payload.sid === 'string' ? payload.sid : undefined, wallets, email: typeof payload.email === 'string' ? payload.email : undefined },
    };
  };
}

function reasonOf(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWTClaimValidationFailed) return e.claim === 'nbf' ? 'not_yet_valid' : e.claim === 'iss' ? 'wrong_issuer' : e.claim === 'aud' ? 'wrong_audience' : `bad_claim_${e.claim}`;
  if (e instanceof errors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (e instanceof errors.JWKSNoMatchingKey) return 'unknown_key';
  if (e instanceof errors.JWKSTimeout || (e as Error)?.name === 'TypeError' || (e as any)?.code === 'ERR_JOSE_GENERIC') return 'jwks_unavailable';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return 'malformed';
  return 'invalid_token';
}
