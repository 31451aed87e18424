import { crc32 } from 'node:zlib';

/** Latin-1 only, as tEXt requires; anything else becomes '?'. */
function latin1(s: string): Buffer {
  return Buffer.from(s.replace(/[^\x20-\x7e\xa0-\xff]/g, '?'), 'latin1');
}

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0);
  return Buffer.concat([len, typeAndData, crc]);
}

/** tEXt chunks (keyword, value). */
export function textChunks(entries: Record<string, string>): Buffer[] {
  return Object.entries(entries).map(([k, v]) => pngChunk('tEXt', Buffer.concat([latin1(k.slice(0, 79)), Buffer.from([0]), latin1(v)])));
}

/** Adds tEXt chunks (keyword, value) right after IHDR, where every PNG reader finds them. */
export function addPngText(png: Buffer, entries: Record<string, string>): Buffer {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  const ihdrEnd = 8 + 8 + png.readUInt32BE(8) + 4;
  return Buffer.concat([png.subarray(0, ihdrEnd), ...textChunks(entries), png.subarray(ihdrEnd)]);
}

/** Reads the tEXt chunks back (tests, and anyone curious). */
export function readPngText(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 8;
  while (at + 8 <= png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    if (type === 'tEXt') {
      const data = png.subarray(at + 8, at + 8 + len);
      const nul = data.indexOf(0);
      out[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1);
    }
    if (type === 'IEND') break;
    at += 12 + len;
  }
  return out;
}
