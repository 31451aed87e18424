/** The normalized transaction of design §5: one per transaction and wallet; amounts are decimal strings. */
export interface Leg {
  mint: string;
  amount: string;
}

export type ActionKind = 'swap' | 'transfer_in' | 'transfer_out' | 'other';

export interface WalletAction {
  kind: ActionKind;
  sent: Leg | null;
  received: Leg | null;
  source?: string;
  counterparty?: string;
}

export interface NormalizedTx {
  signature: string;
  slot: number;
  blockTime: string | null;
  wallet: string;
  failed: boolean;
  /** Lamports of network fee this wallet paid (0 when another account paid it). */
  feeLamports: string;
  feePayer: string;
  actions: WalletAction[];
}
