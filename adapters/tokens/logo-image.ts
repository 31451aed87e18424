import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';

export type ImageKind = 'png' | 'jpeg' | 'webp' | 'svg';
export const LOGO_SIZE = 96;

const DECLARED: Record<string, ImageKind> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/webp': 'webp', 'image/svg+xml': 'svg' };
// Arweave and some gateways serve images without (or with a generic) type: those are judged by their bytes alone.
const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

export class LogoRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogoRejectedError';
  }
}

function sniff(b: Buffer): ImageKind | undefined {
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  const head = b.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(head)) return 'svg';
  return undefined;
}

/**
 * The kind of image these bytes are, when both the declared content type (if specific) and the bytes agree on one of
 * PNG, JPEG, WebP or SVG; anything else (HTML error pages, GIFs, executables named .png) is refused.
 */
export function imageKind(body: Buffer, contentType: string | undefined): ImageKind {
  const declared = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const actual = sniff(body);
  if (!actual) throw new LogoRejectedError(`not a PNG, JPEG, WebP or SVG image (content type "${declared || 'none'}")`);
  if (!GENERIC.has(declared) && DECLARED[declared] !== actual) throw new LogoRejectedError(`declared ${declared || 'no type'} but the bytes are ${actual}`);
  return actual;
}

/**
 * An SVG reduced to drawing: no scripts, event handlers, foreign HTML, entity declarations or references to anything
 * outside the document (external images, fonts, stylesheets), so rendering it can neither run code nor fetch.
 */
export function sanitizeSvg(svg: string): string {
  return svg
    .replace(/<!DOCTYPE[\s\S]*?(\[[\s\S]*?\])?\s*>/gi, '')
    .replace(/<!ENTITY[\s\S]*?>/gi, '')
    .replace(/<(script|foreignObject|iframe|object|embed|audio|video)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|foreignObject|iframe|object|embed|audio|video)\b[^>]*\/>/gi, '')
    .replace(/\s(on[a-z]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/\s((?:xlink:)?href)\s*=\s*("(?!#)[^"]*"|'(?!#)[^']*')/gi, '')
    .replace(/@import[^;]*;?/gi, '')
    .replace(/url\(\s*(['"]?)(?!#)[^)]*\1\s*\)/gi, 'none');
}

/** A square LOGO_SIZE PNG of the logo, transparent where it does not fill the square. */
export async function resizeLogo(body: Buffer, kind: ImageKind): Promise<Buffer> {
  if (kind === 'svg') {
    const clean = sanitizeSvg(body.toString('utf8'));
    let rendered: Buffer;
    try {
      rendered = Buffer.from(new Resvg(clean, { fitTo: { mode: 'width', value: LOGO_SIZE }, font: { loadSystemFonts: false } }).render().asPng());
    } catch (e) {
      throw new LogoRejectedError(`SVG does not render: ${(e as Error).message}`);
    }
    return squarePng(rendered);
  }
  return squarePng(body);
}

async function squarePng(input: Buffer): Promise<Buffer> {
  try {
    // A decompression bomb (a tiny file of huge dimensions) is refused before it is decoded.
    return await sharp(input, { limitInputPixels: 4096 * 4096, animated: false })
      .resize(LOGO_SIZE, LOGO_SIZE, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toBuffer();
  } catch (e) {
    throw new LogoRejectedError(`image does not decode: ${(e as Error).message}`);
  }
}

/** The identicon (an SVG we drew) as the same square PNG. */
export function svgToPng(svg: string): Buffer {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: LOGO_SIZE }, font: { loadSystemFonts: false } }).render().asPng());
}
