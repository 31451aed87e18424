import { deflateSync } from 'node:zlib';
import { pngChunk, textChunks } from './png-text';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * An 8-bit RGBA PNG of these pixels (row-major, 4 bytes a pixel), with tEXt chunks after IHDR. Rows are stored
 * unfiltered and deflated at level 1: a card is large flat areas and anti-aliased glyphs, which level 1 already
 * packs to ~60 KB, in a third of the time resvg's own encoder takes (filter search, level 6) — the encoder was the
 * largest single cost of a card (docs/benchmarks.md).
 */
export function encodeRgbaPng(pixels: Buffer, width: number, height: number, text: Record<string, string> = {}): Buffer {
  const stride = width * 4;
  if (pixels.length !== stride * height) throw new Error(`expected ${stride * height} bytes of RGBA for ${width}×${height}, got ${pixels.length}`);
  const raw = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1);
    raw[at] = 0; // filter type None
    pixels.copy(raw, at + 1, y * stride, (y + 1) * stride);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 6; // colour type: RGBA
  // compression, filter method and interlace stay 0
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', ihdr), ...textChunks(text), pngChunk('IDAT', deflateSync(raw, { level: 1 })), pngChunk('IEND', Buffer.alloc(0))]);
}
