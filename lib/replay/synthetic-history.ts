import bs58 from 'bs58';

/** A small seeded PRNG (mulberry32): the same seed always gives the same history. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function fakeSignature(rand: () => number): string {
  const bytes = new Uint8Array(64);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  return bs58.encode(bytes);
}

export interface SyntheticOptions {
  wallet: string;
  count: number;
  /** getTransaction results (json encoding) whose fee payer is the trader; their balances are kept as they are. */
  templates: any[];
  /** Block time of the newest transaction (Unix s); each older one is `spacingSeconds` earlier. */
  newestBlockTime?: number;
  spacingSeconds?: number;
  newestSlot?: number;
}

/**
 * A wallet history of `count` real-format transactions made from real ones: each template's fee payer becomes the
 * wallet, and signature, slot and block time are new. Balances are the template's, so every transaction parses
 * exactly like the real one it came from. Returned newest first.
 */
export function syntheticHistory(o: SyntheticOptions): any[] {
  const rand = prng(hashString(o.wallet) ^ o.count);
  const newest = o.newestBlockTime ?? 1_735_689_600; // 2025-01-01
  const spacing = o.spacingSeconds ?? 600;
  const slot0 = o.newestSlot ?? 310_000_000;
  const texts = o.templates.map((t) => {
    const payer = t.transaction.message.accountKeys[0];
    const key = typeof payer === 'string' ? payer : payer.pubkey;
    return { text: JSON.stringify(t), payer: key as string, signature: t.transaction.signatures[0] as string };
  });
  const out: any[] = [];
  for (let i = 0; i < o.count; i++) {
    const tpl = texts[i % texts.length]!;
    const tx = JSON.parse(tpl.text.split(tpl.payer).join(o.wallet).split(tpl.signature).join(fakeSignature(rand)));
    tx.slot = slot0 - i * 2;
    tx.blockTime = newest - i * spacing;
    out.push(tx);
  }
  return out;
}
