import { ParseError, toBigInt } from './amounts';

/** An instruction in one shape for every encoding: raw (base58 `data`) or parsed by the RPC node. */
export interface Ix {
  programId: string;
  accounts: string[];
  data?: string;
  parsed?: { type: string; info: Record<string, any> };
}

export interface TokenAccountChange {
  account: string;
  mint: string;
  owner?: string;
  decimals: number;
  delta: bigint;
}

/**
 * What the parser needs from a transaction, whatever it came as (RPC json/jsonParsed, legacy/v0, Helius enhanced):
 * balance changes per account, token balance changes per token account, and the instructions for labels and transfers.
 */
export interface TxView {
  signature: string;
  slot: number;
  blockTime: number | null;
  failed: boolean;
  fee: bigint;
  feePayer: string;
  signers: string[];
  /** post − pre lamports per account; null when the transaction does not say (an index past a balance array). */
  lamportDelta: Map<string, bigint | null>;
  tokens: Map<string, TokenAccountChange>;
  topLevel: Ix[];
  inner: Ix[];
  heliusSource?: string;
  encoding: 'json' | 'jsonParsed' | 'helius-enhanced';
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function rpcKeys(tx: any): { keys: string[]; signers: string[]; parsed: boolean } {
  const message = tx.transaction?.message;
  const raw = message?.accountKeys;
  if (!Array.isArray(raw) || raw.length === 0) throw new ParseError('transaction.message.accountKeys is missing or empty');
  if (isObj(raw[0])) {
    const keys = raw.map((k: any, i: number) => {
      if (typeof k?.pubkey !== 'string') throw new ParseError(`accountKeys[${i}].pubkey is missing`);
      return k.pubkey as string;
    });
    return { keys, signers: raw.filter((k: any) => k.signer).map((k: any) => k.pubkey), parsed: true };
  }
  const loaded = tx.meta?.loadedAddresses ?? {};
  const keys = [...raw, ...(loaded.writable ?? []), ...(loaded.readonly ?? [])];
  if (keys.some((k) => typeof k !== 'string')) throw new ParseError('accountKeys must be strings or {pubkey} objects');
  const n = Number(message.header?.numRequiredSignatures ?? 1);
  return { keys, signers: keys.slice(0, n), parsed: false };
}

function rpcIx(ix: any, keys: string[]): Ix {
  if (typeof ix.programId === 'string') {
    return {
      programId: ix.programId,
      accounts: Array.isArray(ix.accounts) ? ix.accounts : [],
      data: typeof ix.data === 'string' ? ix.data : undefined,
      parsed: isObj(ix.parsed) ? (ix.parsed as Ix['parsed']) : undefined,
    };
  }
  const programId = keys[ix.programIdIndex];
  if (programId === undefined) throw new ParseError(`instruction programIdIndex ${ix.programIdIndex} is outside the account keys`);
  return {
    programId,
    accounts: (ix.accounts ?? []).map((i: number) => keys[i] ?? `#${i}`),
    data: typeof ix.data === 'string' ? ix.data : undefined,
  };
}

export function viewFromRpc(tx: any): TxView {
  if (!isObj(tx.meta)) throw new ParseError('transaction has no meta (was it fetched with a commitment that has it?)');
  const signature = tx.transaction?.signatures?.[0];
  if (typeof signature !== 'string') throw new ParseError('transaction.signatures[0] is missing');
  const { keys, signers, parsed } = rpcKeys(tx);
  const meta = tx.meta;
  const pre: unknown[] = Array.isArray(meta.preBalances) ? meta.preBalances : [];
  const post: unknown[] = Array.isArray(meta.postBalances) ? meta.postBalances : [];
  const lamportDelta = new Map<string, bigint | null>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const a = pre[i];
    const b = post[i];
    let d: bigint | null = null;
    // Lamport balances are non-negative safe integers, so their difference is exact as a number: one BigInt, not three.
    if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= 0 && b >= 0) d = BigInt(b - a);
    else if (a !== undefined && b !== undefined) d = toBigInt(b, `postBalances[${i}]`) - toBigInt(a, `preBalances[${i}]`);
    const prev = lamportDelta.get(k);
    // A key listed twice (static and loaded) is one account: keep the first known value.
    if (prev === undefined || prev === null) lamportDelta.set(k, d);
  }

  const tokens = new Map<string, TokenAccountChange>();
  const addToken = (e: any, sign: 1n | -1n, where: string) => {
    const account = keys[e?.accountIndex];
    if (account === undefined) return; // index past the keys: unknown account, nothing to attribute
    const amount = e.uiTokenAmount?.amount;
    const decimals = e.uiTokenAmount?.decimals;
    if (typeof e.mint !== 'string' || typeof decimals !== 'number') throw new ParseError(`${where}: token balance of ${account} lacks mint or decimals`);
    const cur = tokens.get(account) ?? { account, mint: e.mint, owner: e.owner, decimals, delta: 0n };
    if (!cur.owner && typeof e.owner === 'string') cur.owner = e.owner;
    cur.delta += sign * toBigInt(amount, `${where} amount of ${account}`);
    tokens.set(account, cur);
  };
  for (const e of meta.preTokenBalances ?? []) addToken(e, -1n, 'preTokenBalances');
  for (const e of meta.postTokenBalances ?? []) addToken(e, 1n, 'postTokenBalances');

  const topLevel = (tx.transaction.message.instructions ?? []).map((ix: any) => rpcIx(ix, keys));
  const inner: Ix[] = [];
  for (const group of meta.innerInstructions ?? []) for (const ix of group.instructions ?? []) inner.push(rpcIx(ix, keys));
  const err = meta.err ?? meta.status?.Err ?? null;

  return {
    signature,
    slot: Number(tx.slot ?? 0),
    blockTime: typeof tx.blockTime === 'number' ? tx.blockTime : null,
    failed: err !== null && err !== undefined,
    fee: toBigInt(meta.fee ?? 0, 'meta.fee'),
    feePayer: keys[0]!,
    signers,
    lamportDelta,
    tokens,
    topLevel,
    inner,
    encoding: parsed ? 'jsonParsed' : 'json',
  };
}

export function viewFromHelius(e: any): TxView {
  if (typeof e.signature !== 'string') throw new ParseError('enhanced transaction has no signature');
  if (typeof e.feePayer !== 'string') throw new ParseError(`enhanced transaction ${e.signature} has no feePayer`);
  if (!Array.isArray(e.accountData)) throw new ParseError(`enhanced transaction ${e.signature} has no accountData`);
  const lamportDelta = new Map<string, bigint | null>();
  const tokens = new Map<string, TokenAccountChange>();
  for (const a of e.accountData) {
    if (typeof a?.account !== 'string') throw new ParseError('accountData entry without account');
    lamportDelta.set(a.account, toBigInt(a.nativeBalanceChange ?? 0, `nativeBalanceChange of ${a.account}`));
    for (const t of a.tokenBalanceChanges ?? []) {
      const account = t.tokenAccount ?? a.account;
      const raw = t.rawTokenAmount;
      if (typeof t.mint !== 'string' || typeof raw?.decimals !== 'number') throw new ParseError(`tokenBalanceChanges of ${account} lacks mint or decimals`);
      const cur = tokens.get(account) ?? { account, mint: t.mint, owner: t.userAccount, decimals: raw.decimals, delta: 0n };
      cur.delta += toBigInt(raw.tokenAmount, `rawTokenAmount of ${account}`);
      tokens.set(account, cur);
    }
  }
  const topLevel: Ix[] = [];
  const inner: Ix[] = [];
  for (const ix of e.instructions ?? []) {
    topLevel.push({ programId: ix.programId, accounts: ix.accounts ?? [], data: ix.data });
    for (const i of ix.innerInstructions ?? []) inner.push({ programId: i.programId, accounts: i.accounts ?? [], data: i.data });
  }
  return {
    signature: e.signature,
    slot: Number(e.slot ?? 0),
    blockTime: typeof e.timestamp === 'number' ? e.timestamp : null,
    failed: e.transactionError !== null && e.transactionError !== undefined,
    fee: toBigInt(e.fee ?? 0, 'fee'),
    feePayer: e.feePayer,
    signers: [e.feePayer],
    lamportDelta,
    tokens,
    topLevel,
    inner,
    heliusSource: typeof e.source === 'string' ? e.source : undefined,
    encoding: 'helius-enhanced',
  };
}
