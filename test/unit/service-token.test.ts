import { mintServiceToken, verifyServiceToken } from '../../gateway/auth/service-token';

const secret = 's'.repeat(40);
const now = 1_800_000_000;
const opts = { secret, allowedServices: ['indexer'], nowSeconds: now };

describe('service tokens', () => {
  it('accepts a fresh token of an allowed service', () => {
    expect(verifyServiceToken(mintServiceToken(secret, 'indexer', now - 10), opts)).toEqual({ ok: true, serviceId: 'indexer', issuedAt: now - 10 });
  });
  it('rejects a bad signature, another key, an unknown service', () => {
    const t = mintServiceToken(secret, 'indexer', now);
    const flipped = t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA');
    expect(verifyServiceToken(flipped, opts)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyServiceToken(mintServiceToken('k'.repeat(40), 'indexer', now), opts)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyServiceToken(mintServiceToken(secret, 'other', now), opts)).toEqual({ ok: false, reason: 'unknown_service' });
  });
  it('rejects tokens older than an hour or from the future', () => {
    expect(verifyServiceToken(mintServiceToken(secret, 'indexer', now - 3600), opts).ok).toBe(true);
    expect(verifyServiceToken(mintServiceToken(secret, 'indexer', now - 3601), opts)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyServiceToken(mintServiceToken(secret, 'indexer', now + 30), opts).ok).toBe(true);
    expect(verifyServiceToken(mintServiceToken(secret, 'indexer', now + 31), opts)).toEqual({ ok: false, reason: 'from_future' });
  });
  it('rejects malformed tokens', () => {
    for (const t of ['', 'a.b.c', 'indexer.notanumber.sig', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln']) {
      expect(verifyServiceToken(t, opts)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
