import { createHash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import bs58 from 'bs58';

export const METAPLEX_METADATA_PROGRAM = 'metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s';

/** A program-derived address must not be a valid ed25519 public key, or someone could hold its private key. */
function isOnCurve(bytes: Uint8Array): boolean {
  try {
    ed25519.ExtendedPoint.fromHex(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Solana's findProgramAddress: the first bump from 255 down whose sha256(seeds ‖ bump ‖ program ‖
 * "ProgramDerivedAddress") falls off the curve.
 */
export function findProgramAddress(seeds: Uint8Array[], programId: string): { address: string; bump: number } {
  const program = bs58.decode(programId);
  for (let bump = 255; bump >= 0; bump--) {
    const h = createHash('sha256');
    for (const s of seeds) {
      if (s.length > 32) throw new Error('a seed is at most 32 bytes');
      h.update(s);
    }
    h.update(Uint8Array.of(bump)).update(program).update('ProgramDerivedAddress');
    const digest = h.digest();
    if (!isOnCurve(digest)) return { address: bs58.encode(digest), bump };
  }
  throw new Error('no viable bump seed');
}

/** The Metaplex Token Metadata account of a mint: PDA of ["metadata", program, mint]. */
export function metaplexMetadataAddress(mint: string): string {
  return findProgramAddress([Buffer.from('metadata'), bs58.decode(METAPLEX_METADATA_PROGRAM), bs58.decode(mint)], METAPLEX_METADATA_PROGRAM).address;
}
