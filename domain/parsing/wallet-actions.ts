import { formatUnits } from './amounts';
import { AGGREGATORS, POOLS, SOL_DECIMALS, WSOL_MINT } from './constants';
import { decodeIx, decodeOwnershipIx, mayPayFrom, type DecodedIx } from './instructions';
import type { Leg, NormalizedTx, WalletAction } from './normalized';
import type { Ix, TxView } from './tx-view';

interface Amount { raw: bigint; decimals: number }
type Deltas = Map<string, Amount>;

/**
 * Token account → owner, from the balances, then from the instructions that create or initialise accounts (top
 * level first, then inner); the first owner found for an account stands.
 */
export function tokenOwners(view: TxView): Map<string, string> {
  const owners = new Map<string, string>();
  for (const t of view.tokens.values()) if (t.owner) owners.set(t.account, t.owner);
  const take = (ix: Ix) => {
    const d = decodeOwnershipIx(ix, owners);
    if (d?.type === 'ataCreate' && !owners.has(d.account)) owners.set(d.account, d.wallet);
    if (d?.type === 'initTokenAccount' && !owners.has(d.account)) owners.set(d.account, d.owner);
  };
  for (const ix of view.topLevel) take(ix);
  for (const ix of view.inner) take(ix);
  return owners;
}

function add(m: Deltas, mint: string, raw: bigint, decimals: number): void {
  const cur = m.get(mint);
  if (cur) cur.raw += raw;
  else m.set(mint, { raw, decimals });
}

/**
 * The wallet's real balance change per mint, fee excluded. SOL is the wallet's lamports plus the lamports of the
 * token accounts it owns (so rent parked in its own accounts nets out and wSOL is SOL); wSOL token amounts are
 * therefore not counted again.
 */
export function walletDeltas(view: TxView, wallet: string, owners: Map<string, string>): Deltas {
  const deltas: Deltas = new Map();
  let sol = view.lamportDelta.get(wallet) ?? 0n;
  if (view.feePayer === wallet) sol += view.fee;
  for (const [account, owner] of owners) {
    if (owner !== wallet || account === wallet) continue;
    const lamports = view.lamportDelta.get(account);
    if (lamports !== null && lamports !== undefined) sol += lamports;
    else {
      // Lamports unknown (a short balance array): a wSOL account's token change is still its SOL change.
      const t = view.tokens.get(account);
      if (t?.mint === WSOL_MINT) sol += t.delta;
    }
  }
  if (sol !== 0n) add(deltas, WSOL_MINT, sol, SOL_DECIMALS);
  for (const t of view.tokens.values()) {
    if (t.mint === WSOL_MINT || owners.get(t.account) !== wallet || t.delta === 0n) continue;
    add(deltas, t.mint, t.delta, t.decimals);
  }
  return deltas;
}

interface Carved { action: WalletAction; mint: string; raw: bigint; decimals: number }

const leg = (mint: string, raw: bigint, decimals: number): Leg => ({ mint, amount: formatUnits(raw < 0n ? -raw : raw, decimals) });

/** Payments the wallet itself makes at the top level (tips, sends, rent for someone else's account). */
function carveTopLevelTransfers(view: TxView, wallet: string, owners: Map<string, string>, topDecoded: Array<DecodedIx | undefined>): Carved[] {
  const mine = (acct: string) => acct === wallet || owners.get(acct) === wallet;
  const out: Carved[] = [];
  const sol = (to: string, lamports: bigint) => {
    if (lamports <= 0n) return;
    out.push({ action: { kind: 'transfer_out', sent: leg(WSOL_MINT, lamports, SOL_DECIMALS), received: null, counterparty: owners.get(to) ?? to }, mint: WSOL_MINT, raw: -lamports, decimals: SOL_DECIMALS });
  };
  for (const d of topDecoded) {
    if (!d) continue;
    if (d.type === 'systemTransfer' && d.from === wallet && !mine(d.to)) sol(d.to, d.lamports);
    else if (d.type === 'createAccount' && d.from === wallet && owners.has(d.account) && !mine(d.account)) sol(d.account, d.lamports);
    else if (d.type === 'ataCreate' && d.payer === wallet && d.wallet !== wallet) sol(d.account, view.lamportDelta.get(d.account) ?? 0n);
    else if (d.type === 'tokenTransfer' && owners.get(d.source) === wallet && !mine(d.destination)) {
      const info = view.tokens.get(d.source) ?? view.tokens.get(d.destination);
      const mint = d.mint ?? info?.mint;
      if (!info || !mint || mint === WSOL_MINT || d.amount === 0n) continue;
      out.push({
        action: { kind: 'transfer_out', sent: leg(mint, d.amount, info.decimals), received: null, counterparty: owners.get(d.destination) ?? d.destination },
        mint, raw: -d.amount, decimals: info.decimals,
      });
    }
  }
  return out;
}

function swapSource(view: TxView): string {
  if (view.heliusSource && !['UNKNOWN', 'SYSTEM_PROGRAM', 'SOLANA_PROGRAM_LIBRARY'].includes(view.heliusSource)) return view.heliusSource;
  const all = [...view.topLevel, ...view.inner];
  for (const ix of all) if (AGGREGATORS[ix.programId]) return AGGREGATORS[ix.programId]!;
  for (const ix of all) if (POOLS[ix.programId]) return POOLS[ix.programId]!;
  return 'UNKNOWN';
}

/** The main leg on one side: a token over SOL (SOL then is change, dust or fees), else the largest amount. */
function pickMain(side: Array<[string, Amount]>): [string, Amount] {
  const tokens = side.filter(([mint]) => mint !== WSOL_MINT);
  const pool = tokens.length ? tokens : side;
  return pool.reduce((best, cur) => (uiMagnitude(cur[1]) > uiMagnitude(best[1]) ? cur : best));
}

function uiMagnitude(a: Amount): number {
  // Only for choosing between legs, never for amounts: a float is fine here.
  const abs = a.raw < 0n ? -a.raw : a.raw;
  return Number(abs) / 10 ** a.decimals;
}

/** Who sits on the other side of a plain transfer: the largest opposite balance change of the same asset. */
function counterparty(view: TxView, wallet: string, owners: Map<string, string>, mint: string, sign: 1n | -1n): string | undefined {
  let best: { who: string; size: bigint } | undefined;
  const consider = (who: string, delta: bigint) => {
    const size = delta * -sign;
    if (size > 0n && (!best || size > best.size)) best = { who, size };
  };
  if (mint === WSOL_MINT) {
    for (const [acct, d] of view.lamportDelta) {
      if (d === null || acct === wallet || owners.get(acct) === wallet) continue;
      consider(owners.get(acct) ?? acct, acct === view.feePayer ? d + view.fee : d);
    }
  } else {
    for (const t of view.tokens.values()) {
      if (t.mint !== mint || owners.get(t.account) === wallet) continue;
      consider(owners.get(t.account) ?? t.account, t.delta);
    }
  }
  return best?.who;
}

/** A plain transfer's action, with `counterparty` only when one is known (objects keep one shape: no delete). */
function transfer(kind: 'transfer_out' | 'transfer_in', l: Leg, counterparty: string | undefined): WalletAction {
  const sent = kind === 'transfer_out' ? l : null;
  const received = kind === 'transfer_in' ? l : null;
  return counterparty === undefined ? { kind, sent, received } : { kind, sent, received, counterparty };
}

export function walletActions(view: TxView, wallet: string): NormalizedTx {
  const result: NormalizedTx = {
    signature: view.signature,
    slot: view.slot,
    blockTime: view.blockTime === null ? null : new Date(view.blockTime * 1000).toISOString().replace('.000Z', 'Z'),
    wallet,
    failed: view.failed,
    feeLamports: (view.feePayer === wallet ? view.fee : 0n).toString(),
    feePayer: view.feePayer,
    actions: [],
  };
  if (view.failed) return result;

  const owners = tokenOwners(view);
  const topDecoded = view.topLevel.map((ix) => (mayPayFrom(ix, wallet, owners) ? decodeIx(ix) : undefined));
  const residual = walletDeltas(view, wallet, owners);
  const carved = carveTopLevelTransfers(view, wallet, owners, topDecoded);
  for (const c of carved) add(residual, c.mint, -c.raw, c.decimals);

  const outs = [...residual].filter(([, a]) => a.raw < 0n);
  const ins = [...residual].filter(([, a]) => a.raw > 0n);
  const actions: WalletAction[] = [];
  const others: WalletAction[] = [];
  if (outs.length && ins.length) {
    const [sentMint, sent] = pickMain(outs);
    const [recvMint, recv] = pickMain(ins);
    actions.push({ kind: 'swap', sent: leg(sentMint, sent.raw, sent.decimals), received: leg(recvMint, recv.raw, recv.decimals), source: swapSource(view) });
    for (const [mint, a] of outs) if (mint !== sentMint) others.push({ kind: 'other', sent: leg(mint, a.raw, a.decimals), received: null });
    for (const [mint, a] of ins) if (mint !== recvMint) others.push({ kind: 'other', sent: null, received: leg(mint, a.raw, a.decimals) });
  } else {
    for (const [mint, a] of outs) actions.push(transfer('transfer_out', leg(mint, a.raw, a.decimals), counterparty(view, wallet, owners, mint, -1n)));
    for (const [mint, a] of ins) actions.push(transfer('transfer_in', leg(mint, a.raw, a.decimals), counterparty(view, wallet, owners, mint, 1n)));
  }
  for (const c of carved) actions.push(c.action);
  for (const o of others) actions.push(o);
  result.actions = actions;
  return result;
}
