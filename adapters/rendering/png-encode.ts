import { deflateSync } from 'node:zlib';
import { addPngText, pngChunk, textChunks } from './png-text';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What resvg's render() gives: premultiplied RGBA pixels, and its own (slower) encoder. */
export interface RenderedPixels { pixels: Buffer; width: number; height: number; asPng(): Buffer }

/** Every pixel opaque: then premultiplied RGBA is straight RGBA, and the fast encoder below may write it as it is. */
export function isOpaque(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/**
 * A card's PNG with its tEXt metadata: the fast encoder for an opaque image (every card fills its canvas), resvg's own
 * for anything with transparency, which un-premultiplies its pixels first.
 */
export function cardPng(image: RenderedPixels, text: Record<string, string>): Buffer {
  const pixels = image.pixels;
  return isOpaque(pixels) ? encodeRgbaPng(pixels, image.width, image.height, text) : addPngText(Buffer.from(image.asPng()), text);
}

/**
 * An 8-bit RGBA PNG of these straight-alpha pixels (row-major, 4 bytes a pixel), with tEXt chunks after IHDR. Rows are stored
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
