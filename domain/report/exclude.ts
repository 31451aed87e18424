import type { NormalizedTx, WalletAction } from '../parsing/normalized';

/**
 * The history as if these mints had never touched it (spam left out of a report, issue #19): their legs go, an action
 * left with no leg goes, the transaction and its fee stay. A swap of a left-out token for SOL keeps its SOL leg: the
 * SOL arrived at its market value either way, as a lot of unknown cost cannot realize anything.
 */
export function withoutMints<T extends NormalizedTx>(txs: T[], mints: ReadonlySet<string>): T[] {
  if (!mints.size) return txs;
  const touches = (a: WalletAction) => (a.sent !== null && mints.has(a.sent.mint)) || (a.received !== null && mints.has(a.received.mint));
  return txs.map((tx) => {
    if (!tx.actions.some(touches)) return tx;
    const actions: WalletAction[] = [];
    for (const a of tx.actions) {
      if (!touches(a)) { actions.push(a); continue; }
      const sent = a.sent !== null && mints.has(a.sent.mint) ? null : a.sent;
      const received = a.received !== null && mints.has(a.received.mint) ? null : a.received;
      if (sent || received) actions.push({ ...a, sent, received });
    }
    return { ...tx, actions };
  });
}
