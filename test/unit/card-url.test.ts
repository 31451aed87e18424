import { momentTable } from '../../cli/analyze-command';
import { cardKeyOf, cardUrl, cardVersion, latestCardUrl, parseCardFile } from '../../domain/cards/card-url';
import { momentId, type Moment } from '../../domain/detection/moment';

const W = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';
const SOL = 'So11111111111111111111111111111111111111112';
const base: Moment = {
  id: momentId(Date.parse('2025-01-01T00:00:00Z'), W, 'BHD', SOL, 'sigcardurl'), kind: 'BHD', wallet: W, mint: SOL, signature: 'sigcardurl',
  at: '2025-01-01T00:00:00Z', pct: '0.4', missedUsd: '40.00', severity: '0.5000', status: 'provisional', explain: {},
};

describe('card URLs', () => {
  it('name the version, which changes with everything the card shows and nothing else', () => {
    const url = cardUrl(base);
    expect(url).toBe(`/v1/cards/moment/${base.id}-${cardVersion(base)}.png`);
    expect(parseCardFile(url.split('/').pop()!)).toEqual({ id: base.id, version: cardVersion(base) });
    expect(parseCardFile(`${base.id}.png`)).toEqual({ id: base.id });
    expect(latestCardUrl(base.id, 'https://oof.example/')).toBe(`https://oof.example/v1/cards/moment/${base.id}.png`);
    expect(cardUrl(base, 'https://oof.example')).toBe(`https://oof.example${url}`);
    expect(`cards/${url.split('/').pop()}`).toBe(cardKeyOf(base.id, cardVersion(base)));
    for (const change of [{ status: 'final' as const }, { pct: '0.41' }, { missedUsd: '41.00' }, { severity: '0.5100' }, { at: '2025-01-01T00:00:01Z' }]) {
      expect(cardUrl({ ...base, ...change })).not.toBe(url);
    }
    expect(cardUrl({ ...base, explain: { note: 'not on the card' } } as Moment)).toBe(url);
    for (const bad of [`${base.id}-ABCDEF0123.png`, `${base.id}-0123.png`, `${base.id}.jpg`, 'nope.png', `${base.id}-0123456789.png.png`]) expect(parseCardFile(bad)).toBeUndefined();
  });

  it('are what the CLI prints for each moment', () => {
    expect(momentTable([{ ...base, cardUrl: cardUrl(base) }], 'http://127.0.0.1:8080')).toContain(`http://127.0.0.1:8080${cardUrl(base)}`);
  });
});
