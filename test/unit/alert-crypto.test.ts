import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from '../../adapters/alerts/secret-box';
import { signatureHeader, verifySignature } from '../../domain/alerts/signature';
import { alertMatches } from '../../domain/alerts/filter';

describe('alert secrets at rest (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, with a fresh IV each time', () => {
    const a = box.seal('https://example.com/hook?token=x', 'dest-1');
    expect(box.seal('https://example.com/hook?token=x', 'dest-1')).not.toBe(a);
    expect(box.open(a, 'dest-1')).toBe('https://example.com/hook?token=x');
  });

  it('refuses a ciphertext moved to another row, tampered with, or opened with another key', () => {
    const sealed = box.seal('secret', 'dest-1');
    expect(() => box.open(sealed, 'dest-2')).toThrow(SecretBoxError);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[14] = raw[14]! ^ 1;
    expect(() => box.open(`v1.${raw.toString('base64')}`, 'dest-1')).toThrow(/do not decrypt/);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'dest-1')).toThrow(/ALERTS_ENCRYPTION_KEY/);
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('OOF-Signature', () => {
  const body = '{"id":"x","type":"moment.created"}';
  const now = 1_800_000_000;

  it('is Stripe-style t=<unix>,v1=<HMAC-SHA256 of "t.body">, checked in constant time within a tolerance', () => {
    const header = signatureHeader('whsec_test', body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_test', body, header, now + 299)).toBe(true);
    expect(verifySignature('whsec_test', body, header, now + 301)).toBe(false);
    expect(verifySignature('whsec_other', body, header, now)).toBe(false);
    expect(verifySignature('whsec_test', `${body} `, header, now)).toBe(false);
    expect(verifySignature('whsec_test', body, header.replace(/t=\d+/, `t=${now + 1}`), now)).toBe(false);
    // During a secret rotation a receiver may see several v1 values: one match is enough.
    expect(verifySignature('whsec_test', body, `t=${now},v1=${'0'.repeat(64)},${header.split(',')[1]}`, now)).toBe(true);
    expect(verifySignature('whsec_test', body, 'garbage', now)).toBe(false);
  });
});

describe('destination filters', () => {
  const f = { wallets: ['W1'], kinds: ['S2E' as const], minSeverity: '0.5', statuses: ['final' as const] };
  it('match wallet, kind, exact minimum severity and status', () => {
    expect(alertMatches(f, { wallet: 'W1', kind: 'S2E', severity: '0.5000', status: 'final' })).toBe(true);
    expect(alertMatches(f, { wallet: 'W1', kind: 'S2E', severity: '0.4999', status: 'final' })).toBe(false);
    expect(alertMatches(f, { wallet: 'W2', kind: 'S2E', severity: '1', status: 'final' })).toBe(false);
    expect(alertMatches(f, { wallet: 'W1', kind: 'BHD', severity: '1', status: 'final' })).toBe(false);
    expect(alertMatches(f, { wallet: 'W1', kind: 'S2E', severity: '1', status: 'provisional' })).toBe(false);
    expect(alertMatches({ ...f, kinds: null }, { wallet: 'W1', kind: 'BHD', severity: '1', status: 'final' })).toBe(true);
  });
});
