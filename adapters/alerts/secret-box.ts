import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for destination secrets at rest: `v1.<base64 iv|ciphertext|tag>`. The destination id is the
 * additional authenticated data, so a ciphertext copied onto another row does not decrypt.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the alert encryption key must be 32 bytes');
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  open(sealed: string, context: string): string {
    const m = /^v1\.([A-Za-z0-9+/=]+)$/.exec(sealed);
    if (!m) throw new SecretBoxError('not a sealed secret');
    const raw = Buffer.from(m[1]!, 'base64');
    if (raw.length < 28) throw new SecretBoxError('sealed secret too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    try {
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('the destination\'s secrets do not decrypt with this key (ALERTS_ENCRYPTION_KEY changed?)');
    }
  }
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}
