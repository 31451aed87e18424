import { crc32, inflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { cardPng, encodeRgbaPng, isOpaque } from '../../adapters/rendering/png-encode';
import { addPngText, readPngText } from '../../adapters/rendering/png-text';
import { renderCard } from '../../adapters/rendering/render';
import type { Moment } from '../../domain/detection/moment';

const moment: Moment = {
  id: '01HV6Z8Q2M0000000000000000', kind: 'BadRoute', wallet: 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5',
  mint: 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm', signature: 'sig', at: '2024-03-26T00:00:00Z', pct: '0.031',
  missedUsd: '31.20', severity: '0.3000', status: 'final', explain: { inAmount: '1000', outAmount: '950', outMint: 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm', reference: 'market' },
};

function chunks(png: Buffer): Array<{ type: string; data: Buffer; crcOk: boolean }> {
  const out = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    out.push({ type, data, crcOk: (crc32(png.subarray(at + 4, at + 8 + len)) >>> 0) === png.readUInt32BE(at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

describe('encodeRgbaPng', () => {
  it('writes a PNG that another decoder reads back to the same pixels', async () => {
    const { svg } = await renderCard(moment);
    const image = new Resvg(svg, { fitTo: { mode: 'width', value: 1200 }, font: { loadSystemFonts: false } }).render();
    const png = encodeRgbaPng(image.pixels, image.width, image.height, { Title: 'bad route', 'Moment-Id': moment.id });
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'tEXt', 'IDAT', 'IEND']);
    expect(parts.every((c) => c.crcOk)).toBe(true);
    expect(readPngText(png)).toEqual({ Title: 'bad route', 'Moment-Id': moment.id });
    // resvg decodes it (an <image> drawn 1:1) into exactly the pixels it was made from.
    const wrapped = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><image width="1200" height="630" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
    const decoded = new Resvg(wrapped, { font: { loadSystemFonts: false } }).render();
    expect([decoded.width, decoded.height]).toEqual([1200, 630]);
    expect(Buffer.compare(decoded.pixels, image.pixels)).toBe(0);
    // Each row is stored with filter type 0 after the zlib stream is inflated.
    const raw = inflateSync(parts.find((c) => c.type === 'IDAT')!.data);
    expect(raw.length).toBe((1200 * 4 + 1) * 630);
    for (let y = 0; y < 630; y++) expect(raw[y * (1200 * 4 + 1)]).toBe(0);
    expect(png.length).toBeLessThan(150_000);
  });

  it('writes opaque cards itself and leaves an image with transparency to resvg, which un-premultiplies it', () => {
    const render = (svg: string) => new Resvg(svg, { font: { loadSystemFonts: false } }).render();
    const opaque = render('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#14161a"/><circle cx="10" cy="10" r="6" fill="#f0b" fill-opacity="0.5"/></svg>');
    expect(isOpaque(opaque.pixels)).toBe(true);
    expect(cardPng(opaque, { A: 'b' })).toEqual(encodeRgbaPng(opaque.pixels, 40, 20, { A: 'b' }));
    const clear = render('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><circle cx="10" cy="10" r="6" fill="#f0b" fill-opacity="0.5"/></svg>');
    expect(isOpaque(clear.pixels)).toBe(false);
    expect(cardPng(clear, { A: 'b' })).toEqual(addPngText(Buffer.from(clear.asPng()), { A: 'b' }));
  });

  it('refuses pixels that do not fill the image', () => {
    expect(() => encodeRgbaPng(Buffer.alloc(10), 2, 2)).toThrow('expected 16 bytes of RGBA for 2×2, got 10');
  });
});
