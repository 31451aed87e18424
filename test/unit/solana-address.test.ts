import { isSolanaAddress } from '../../lib/solana-address';

describe('isSolanaAddress', () => {
  it.each([
    'So11111111111111111111111111111111111111112',
    'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
    '11111111111111111111111111111111',
  ])('accepts %s', (a) => expect(isSolanaAddress(a)).toBe(true));

  it.each([
    ['empty', ''],
    ['non-base58 characters', 'So1111111111111111111111111111111111111111O'],
    ['too short', 'So1111111111'],
    ['decodes to 33 bytes', 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'],
    ['whitespace', ' EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'],
  ])('rejects %s', (_why, a) => expect(isSolanaAddress(a)).toBe(false));
});
