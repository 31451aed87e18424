import { createHash } from 'node:crypto';

/**
 * A deterministic 5×5 mirrored identicon for a mint without a logo: the same mint always draws the same picture, and
 * different mints almost never share one, so two unknown tokens on a page still look different.
 */
export function identiconSvg(mint: string, size = 96): string {
  const h = createHash('sha256').update(mint).digest();
  const hue = Math.round((h[0]! / 255) * 360);
  const fg = `hsl(${hue},65%,55%)`;
  const cell = size / 6;
  const rects: string[] = [];
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 3; x++) {
      if (((h[1 + y * 3 + x]! ?? 0) & 1) === 0) continue;
      for (const cx of x === 2 ? [2] : [x, 4 - x]) {
        rects.push(`<rect x="${(cx + 0.5) * cell}" y="${(y + 0.5) * cell}" width="${cell}" height="${cell}" fill="${fg}"/>`);
      }
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}"><rect width="${size}" height="${size}" rx="${size / 2}" fill="hsl(${hue},30%,18%)"/>${rects.join('')}</svg>`;
}
