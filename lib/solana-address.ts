import bs58 from 'bs58';

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** A Solana account address: base58 text that decodes to exactly 32 bytes. */
export function isSolanaAddress(s: string): boolean {
  if (!BASE58.test(s)) return false;
  try {
    return bs58.decode(s).length === 32;
  } catch {
    return false;
  }
}
