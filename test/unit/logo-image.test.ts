import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import { imageKind, LOGO_SIZE, LogoRejectedError, resizeLogo, sanitizeSvg } from '../../adapters/tokens/logo-image';

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">${body}</svg>`;
const pngOf = (s: string) => Buffer.from(new Resvg(s).render().asPng());

describe('logo images', () => {
  const png = pngOf(svg('<rect width="40" height="20" fill="#e33"/>'));

  it('accepts PNG, JPEG, WebP and SVG only when the declared type and the bytes agree', async () => {
    const jpeg = await sharp(png).jpeg().toBuffer();
    const webp = await sharp(png).webp().toBuffer();
    expect(imageKind(png, 'image/png')).toBe('png');
    expect(imageKind(jpeg, 'image/jpeg; charset=binary')).toBe('jpeg');
    expect(imageKind(webp, 'image/webp')).toBe('webp');
    expect(imageKind(Buffer.from(svg('')), 'image/svg+xml')).toBe('svg');
    // Arweave serves without a type: the bytes decide.
    expect(imageKind(webp, undefined)).toBe('webp');
    expect(() => imageKind(png, 'image/jpeg')).toThrow(LogoRejectedError);
    expect(() => imageKind(Buffer.from('<html>404</html>'), 'text/html')).toThrow(/not a PNG, JPEG, WebP or SVG/);
    expect(() => imageKind(Buffer.from('GIF89a....'), 'image/gif')).toThrow(LogoRejectedError);
  });

  it('resizes every kind to a square PNG, the aspect kept', async () => {
    const webp = await sharp(png).webp().toBuffer();
    for (const [body, kind] of [[png, 'png'], [webp, 'webp'], [await sharp(png).jpeg().toBuffer(), 'jpeg'], [Buffer.from(svg('<rect width="40" height="20" fill="#e33"/>')), 'svg']] as const) {
      const out = await resizeLogo(body, kind);
      const meta = await sharp(out).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', LOGO_SIZE, LOGO_SIZE]);
      // 40×20 in a square: the top row is transparent padding, the middle is red.
      const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      expect(data[3]).toBe(0);
      const mid = (LOGO_SIZE / 2) * LOGO_SIZE * 4 + (LOGO_SIZE / 2) * 4;
      expect(data[mid]).toBeGreaterThan(200);
      expect(data[mid + 3]).toBe(255);
    }
  });

  it('refuses a decompression bomb and bytes that only look like an image', async () => {
    const huge = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#000' } }).png().toBuffer();
    await expect(resizeLogo(huge, 'png')).rejects.toThrow(/does not decode/);
    await expect(resizeLogo(Buffer.concat([png.subarray(0, 40), Buffer.alloc(40)]), 'png')).rejects.toThrow(LogoRejectedError);
  });

  it('sanitises SVG: no script, handlers, foreign content, entities or outside references', () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
      <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
      <script>alert(2)</script><foreignObject><iframe src="https://evil"/></foreignObject>
      <image href="https://169.254.169.254/latest/meta-data" width="10" height="10"/><use xlink:href="#a"/>
      <style>@import url(https://evil/x.css); rect { fill: url(https://evil/p) }</style><rect id="a" onclick='x()' width="4" height="4"/></svg>`;
    const clean = sanitizeSvg(evil);
    for (const bad of ['<script', 'alert(', 'onload', 'onclick', 'foreignObject', 'iframe', 'ENTITY', '169.254', 'evil']) expect(clean).not.toContain(bad);
    expect(clean).toContain('xlink:href="#a"');
    expect(clean).toContain('<rect id="a"');
  });
});
