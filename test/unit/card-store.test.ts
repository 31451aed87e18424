import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskCardStore } from '../../adapters/stores/card-store';

describe('DiskCardStore', () => {
  it('never lets concurrent writes of one card leave a mixed or truncated file', async () => {
    const store = new DiskCardStore(mkdtempSync(path.join(os.tmpdir(), 'oof-store-')));
    const key = 'cards/01ARZ3NDEKTSV4RRFFQ69G5FAV-0123456789.png';
    // Large, distinct bodies so interleaved writes to one temporary file would show.
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(4 << 20, i + 1));
    for (let round = 0; round < 5; round++) {
      await Promise.all(bodies.map((b) => store.put(key, b)));
      const got = (await store.get(key))!;
      expect(got.length).toBe(4 << 20);
      expect(bodies.some((b) => b.equals(got))).toBe(true);
    }
  });

  it('refuses keys outside cards/<id>.png', async () => {
    const store = new DiskCardStore(mkdtempSync(path.join(os.tmpdir(), 'oof-store-')));
    await expect(store.put('../etc/passwd', Buffer.from('x'))).rejects.toThrow('bad card key');
  });
});
