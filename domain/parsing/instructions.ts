import bs58 from 'bs58';
import { ATA_PROGRAM, SYSTEM_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from './constants';
import type { Ix } from './tx-view';

export type DecodedIx =
  | { type: 'systemTransfer'; from: string; to: string; lamports: bigint }
  | { type: 'createAccount'; from: string; account: string; lamports: bigint }
  | { type: 'tokenTransfer'; source: string; destination: string; amount: bigint; mint?: string }
  | { type: 'ataCreate'; payer: string; account: string; wallet: string }
  | { type: 'initTokenAccount'; account: string; owner: string }
  | { type: 'closeAccount'; account: string; destination: string };

const isToken = (p: string) => p === TOKEN_PROGRAM || p === TOKEN_2022_PROGRAM;

function u64(b: Uint8Array, at: number): bigint | undefined {
  if (b.length < at + 8) return undefined;
  return new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true);
}

function decodeData(data: string | undefined): Uint8Array | undefined {
  if (!data) return undefined;
  try {
    return bs58.decode(data);
  } catch {
    return undefined;
  }
}

function fromParsed(ix: Ix): DecodedIx | undefined {
  const { type, info } = ix.parsed!;
  if (!info || typeof info !== 'object') return undefined;
  if (ix.programId === SYSTEM_PROGRAM) {
    if ((type === 'transfer' || type === 'transferWithSeed') && info.lamports !== undefined) {
      return { type: 'systemTransfer', from: info.source, to: info.destination, lamports: BigInt(info.lamports) };
    }
    if ((type === 'createAccount' || type === 'createAccountWithSeed') && info.lamports !== undefined) {
      return { type: 'createAccount', from: info.source, account: info.newAccount, lamports: BigInt(info.lamports) };
    }
    return undefined;
  }
  if (isToken(ix.programId)) {
    if (type === 'transfer' && info.amount !== undefined) return { type: 'tokenTransfer', source: info.source, destination: info.destination, amount: BigInt(info.amount) };
    if (type === 'transferChecked' && info.tokenAmount?.amount !== undefined) {
      return { type: 'tokenTransfer', source: info.source, destination: info.destination, amount: BigInt(info.tokenAmount.amount), mint: info.mint };
    }
    if (type.startsWith('initializeAccount') && info.account && info.owner) return { type: 'initTokenAccount', account: info.account, owner: info.owner };
    if (type === 'closeAccount' && info.account && info.destination) return { type: 'closeAccount', account: info.account, destination: info.destination };
    return undefined;
  }
  if (ix.programId === ATA_PROGRAM && (type === 'create' || type === 'createIdempotent')) {
    return { type: 'ataCreate', payer: info.source, account: info.account, wallet: info.wallet };
  }
  return undefined;
}

/**
 * Only what says who owns a token account (ATA creation, InitializeAccount*), which is all the parser reads from
 * most instructions. Their bulk, token transfers (9-10 bytes, 12-14 base58 characters), is recognised by length and
 * never decoded, nor is an account whose owner `known` already holds (the token balances name most owners), so a
 * many-hop route costs about what its JSON does.
 */
export function decodeOwnershipIx(ix: Ix, known?: ReadonlyMap<string, string>): DecodedIx | undefined {
  if (ix.programId === ATA_PROGRAM) return decodeIx(ix);
  if (!isToken(ix.programId)) return undefined;
  if (ix.parsed) return typeof ix.parsed.type === 'string' && ix.parsed.type.startsWith('initializeAccount') ? fromParsed(ix) : undefined;
  // InitializeAccount is 1 byte; InitializeAccount2/3 are 33 (about 45 characters).
  const len = ix.data?.length ?? 0;
  if (len >= 9 && len < 40) return undefined;
  if (ix.accounts[0] !== undefined && known?.has(ix.accounts[0])) return undefined;
  const d = decodeIx(ix);
  return d?.type === 'initTokenAccount' ? d : undefined;
}

/**
 * Whether a top-level instruction can be a payment by `wallet` (a SOL transfer or account funding from it, an ATA it
 * pays for, a token transfer out of an account it owns): only those are decoded for the transfers carved out.
 */
export function mayPayFrom(ix: Ix, wallet: string, owners: ReadonlyMap<string, string>): boolean {
  if (ix.parsed) return true; // already decoded by the node: nothing to save
  const first = ix.accounts[0];
  if (first === undefined) return false;
  if (ix.programId === SYSTEM_PROGRAM || ix.programId === ATA_PROGRAM) return first === wallet;
  if (isToken(ix.programId)) return owners.get(first) === wallet;
  return false;
}

/**
 * Decodes the few instructions the parser reads (transfers, account creation and ownership) from either the node's
 * parsed form or the raw bytes. Everything else is left alone: swaps come from balance changes, not instructions.
 */
export function decodeIx(ix: Ix): DecodedIx | undefined {
  if (ix.parsed) return fromParsed(ix);
  const a = ix.accounts;
  if (ix.programId === ATA_PROGRAM) {
    // create / createIdempotent: [payer, associated account, wallet, mint, system, token]. Their data is empty or
    // one byte, 0 or 1: "1" or "2" in base58, read as such without decoding.
    const data = ix.data ?? '';
    let create = data === '' || data === '1' || data === '2';
    if (!create && data.length > 1) {
      const d = decodeData(data);
      create = d !== undefined && (d[0] === 0 || d[0] === 1);
    }
    if (create && a.length >= 3) return { type: 'ataCreate', payer: a[0]!, account: a[1]!, wallet: a[2]! };
    return undefined;
  }
  if (ix.programId === SYSTEM_PROGRAM) {
    const d = decodeData(ix.data);
    if (!d || d.length < 4) return undefined;
    const kind = new DataView(d.buffer, d.byteOffset, 4).getUint32(0, true);
    if (kind === 2 && a.length >= 2) {
      const lamports = u64(d, 4);
      return lamports === undefined ? undefined : { type: 'systemTransfer', from: a[0]!, to: a[1]!, lamports };
    }
    if (kind === 0 && a.length >= 2) {
      const lamports = u64(d, 4);
      return lamports === undefined ? undefined : { type: 'createAccount', from: a[0]!, account: a[1]!, lamports };
    }
    return undefined;
  }
  if (isToken(ix.programId)) {
    // Transfers are 9-10 bytes and init-with-owner 33: skip the base58 decode of everything else on the hot path.
    const len = ix.data?.length ?? 0;
    if (len === 0 || len > 50) return undefined;
    const d = decodeData(ix.data);
    if (!d || d.length === 0) return undefined;
    switch (d[0]) {
      case 3: {
        const amount = u64(d, 1);
        return amount !== undefined && a.length >= 2 ? { type: 'tokenTransfer', source: a[0]!, destination: a[1]!, amount } : undefined;
      }
      case 12: {
        const amount = u64(d, 1);
        return amount !== undefined && a.length >= 3 ? { type: 'tokenTransfer', source: a[0]!, destination: a[2]!, amount, mint: a[1] } : undefined;
      }
      case 1:
        return a.length >= 3 ? { type: 'initTokenAccount', account: a[0]!, owner: a[2]! } : undefined;
      case 16:
      case 18:
        return d.length >= 33 && a.length >= 1 ? { type: 'initTokenAccount', account: a[0]!, owner: bs58.encode(d.subarray(1, 33)) } : undefined;
      case 9:
        return a.length >= 2 ? { type: 'closeAccount', account: a[0]!, destination: a[1]! } : undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}
