import bs58 from 'bs58';

export interface MetaplexMetadata {
  updateAuthority: string;
  mint: string;
  name: string;
  symbol: string;
  uri: string;
  isMutable: boolean;
  /** 0 NonFungible, 1 FungibleAsset, 2 Fungible, …; undefined on older mints, which never set it. */
  tokenStandard?: number;
}

/** Name, symbol and uri are stored at fixed widths: the length prefix counts the NUL padding. */
const clean = (s: string) => s.replace(/\0+$/g, '').trim();

class Reader {
  at = 0;
  constructor(private readonly b: Buffer) {}
  need(n: number): void {
    if (this.at + n > this.b.length) throw new Error(`metadata account ends at byte ${this.b.length}, needed ${this.at + n}`);
  }
  u8(): number { this.need(1); return this.b[this.at++]!; }
  u16(): number { this.need(2); const v = this.b.readUInt16LE(this.at); this.at += 2; return v; }
  u32(): number { this.need(4); const v = this.b.readUInt32LE(this.at); this.at += 4; return v; }
  key(): string { this.need(32); const v = bs58.encode(this.b.subarray(this.at, this.at + 32)); this.at += 32; return v; }
  str(max: number): string {
    const n = this.u32();
    if (n > max) throw new Error(`string of ${n} bytes where at most ${max} fit`);
    this.need(n);
    const v = this.b.toString('utf8', this.at, this.at + n);
    this.at += n;
    return v;
  }
  get left(): number { return this.b.length - this.at; }
}

/**
 * Borsh-decodes a Metaplex MetadataV1 account (external-apis.md §8.3), field by field: captures are often shorter than
 * `space` (trailing zeros cut), so only the fields up to `is_mutable` are required; `token_standard` is read when there.
 */
export function decodeMetaplexMetadata(data: Buffer): MetaplexMetadata {
  const r = new Reader(data);
  const key = r.u8();
  if (key !== 4) throw new Error(`not a MetadataV1 account (key ${key})`);
  const updateAuthority = r.key();
  const mint = r.key();
  const name = clean(r.str(200));
  const symbol = clean(r.str(50));
  const uri = clean(r.str(1000));
  r.u16(); // seller_fee_basis_points
  if (r.u8() === 1) {
    const creators = r.u32();
    r.need(creators * 34);
    r.at += creators * 34;
  }
  r.u8(); // primary_sale_happened
  const isMutable = r.u8() === 1;
  let tokenStandard: number | undefined;
  if (r.left > 0 && r.u8() === 1) r.u8(); // edition_nonce
  if (r.left > 0 && r.u8() === 1 && r.left > 0) tokenStandard = r.u8();
  return { updateAuthority, mint, name, symbol, uri, isMutable, ...(tokenStandard !== undefined ? { tokenStandard } : {}) };
}
