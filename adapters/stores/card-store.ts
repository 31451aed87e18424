import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** Where card PNGs live: Cloudflare R2 (or any S3) when configured, a local directory otherwise. */
export interface CardStore {
  readonly kind: 'disk' | 's3';
  put(key: string, png: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  /** The public URL of a stored card, when the bucket is exposed (R2_PUBLIC_URL); cards are then served from there. */
  publicUrl(key: string): string | undefined;
}

/** A versioned card (its key or URL names the version): its bytes never change. */
export const CARD_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** The unversioned card URL, which moves to each new version: cached briefly, then revalidated by ETag. */
export const CARD_LATEST_CACHE_CONTROL = 'public, max-age=60, must-revalidate';

export class DiskCardStore implements CardStore {
  readonly kind = 'disk' as const;
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    // Cards, and the token logos stored beside them (logos/<mint>.png).
    if (!/^(cards\/[0-9A-Za-z-]+|logos\/[1-9A-HJ-NP-Za-km-z]{32,44})\.png$/.test(key)) throw new Error(`bad card key ${key}`);
    return path.join(this.dir, key);
  }

  async put(key: string, png: Buffer): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a reader never sees half a PNG. The temporary name is unique per write: the worker and an
    // on-demand render can store the same card at once, and a shared name would let one truncate the other's file.
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, png);
    await rename(tmp, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    return readFile(this.file(key)).catch((e) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  }

  publicUrl(): undefined {
    return undefined;
  }
}

export interface S3StoreOptions { endpoint: string; accessKeyId: string; secretAccessKey: string; bucket: string; publicUrl?: string; region?: string }

/** R2 through the S3 API, configured as external-apis.md §6 says (region auto, path style, checksums when required). */
export class S3CardStore implements CardStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  constructor(private readonly o: S3StoreOptions) {
    this.client = new S3Client({
      region: o.region ?? 'auto',
      endpoint: o.endpoint,
      credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, png: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: key, Body: png, ContentType: 'image/png', CacheControl: CARD_CACHE_CONTROL }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (e) {
      if (e instanceof NoSuchKey || (e as any)?.name === 'NoSuchKey' || (e as any)?.$metadata?.httpStatusCode === 404) return undefined;
      throw e;
    }
  }

  publicUrl(key: string): string | undefined {
    return this.o.publicUrl ? `${this.o.publicUrl.replace(/\/$/, '')}/${key}` : undefined;
  }
}

export function createCardStore(c: { R2_ENDPOINT?: string; R2_ACCESS_KEY_ID?: string; R2_SECRET_ACCESS_KEY?: string; R2_BUCKET_NAME?: string; R2_PUBLIC_URL?: string; DATA_DIR: string }): CardStore {
  if (c.R2_ENDPOINT && c.R2_ACCESS_KEY_ID && c.R2_SECRET_ACCESS_KEY && c.R2_BUCKET_NAME) {
    return new S3CardStore({ endpoint: c.R2_ENDPOINT, accessKeyId: c.R2_ACCESS_KEY_ID, secretAccessKey: c.R2_SECRET_ACCESS_KEY, bucket: c.R2_BUCKET_NAME, publicUrl: c.R2_PUBLIC_URL });
  }
  return new DiskCardStore(path.resolve(c.DATA_DIR));
}
