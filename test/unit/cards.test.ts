import { cardTree, headlineSize } from '../../domain/cards/card';
import { humanAmount, humanDate, humanPct, humanUsd, shortAddress } from '../../domain/cards/format';
import { addPngText, readPngText } from '../../adapters/rendering/png-text';
import { renderCard } from '../../adapters/rendering/render';
import { RENDER_NICE, RenderPool } from '../../adapters/rendering/render-pool';
import { existsSync, readFileSync } from 'node:fs';
import { tokenLabel } from '../../domain/cards/tokens';
import type { Moment } from '../../domain/detection/moment';
import { Resvg } from '@resvg/resvg-js';

const base: Moment = {
  id: '01HV6Z8Q2M0000000000000000', kind: 'S2E', wallet: 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5',
  mint: 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm', signature: 'sig', at: '2024-03-26T00:00:00Z', pct: '0.79579',
  missedUsd: '2135.90', severity: '1.0000', status: 'final',
  explain: { quantity: '1000', tradePrice: '2.684', peakPrice: '4.8199', peakAt: '2024-03-31T09:00:00Z' },
};
const moments: Moment[] = [
  base,
  { ...base, kind: 'BHD', pct: '0.642857', missedUsd: '476.10', severity: '0.8036', explain: { quantity: '10', tradePrice: '74.06', troughPrice: '26.45', troughAt: '2025-01-25T11:00:00Z' } },
  { ...base, kind: 'BadRoute', mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', pct: '0.05', missedUsd: '50.00', severity: '0.5000', explain: { reference: 'market', inAmount: '1000', outAmount: '95', outMint: base.mint } },
  { ...base, kind: 'IdleYield', mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', signature: null, pct: '0.058', missedUsd: '580.76', severity: '0.2904', status: 'provisional', explain: { balance: '9999', days: '265', apy: '0.08' } },
];

// What the registry gives the renderer (symbol; a logo in the card test below).
const tokens = { [base.mint]: { symbol: 'WIF' } };

function ihdr(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('card text', () => {
  it.each([
    ['2135.90', '$2.1K'], ['950', '$950'], ['0.42', '$0.42'], ['12400000', '$12M'], ['1250000', '$1.3M'], ['999.6', '$1K'], ['123456789012.34', '$123B'],
  ])('humanUsd(%s) = %s', (v, s) => expect(humanUsd(v)).toBe(s));
  it('formats percentages, amounts, addresses, dates and symbols', () => {
    expect(humanPct('0.79579', '+')).toBe('+80%');
    expect(humanPct('0.642857', '−')).toBe('−64%');
    expect(humanPct('0.058', '+')).toBe('+5.8%');
    expect(humanPct('123.456', '+')).toBe('+12,346%');
    expect(humanAmount('1000')).toBe('1,000');
    expect(humanAmount('2.684')).toBe('2.68');
    expect(humanAmount('0.00001246')).toBe('0.00001246');
    expect(shortAddress(base.wallet)).toBe('FvTq…GnVJ5');
    expect(humanDate('2024-03-31T09:00:00Z')).toBe('31 Mar 2024');
    expect(tokenLabel(base.mint, tokens)).toBe('WIF');
    // No table of symbols any more: a mint the registry did not name is its short form; SOL/USDC/USDT are built in.
    expect(tokenLabel(base.mint)).toBe('EKpQ…5zcjm');
    expect(tokenLabel('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v')).toBe('USDC');
    expect(tokenLabel('Zz1111111111111111111111111111111111111111')).toBe('Zz11…11111');
  });
  it('shrinks the headline so long numbers and percentages fit one line', () => {
    expect(headlineSize('$2.1K missed', '+80%')).toBe(120);
    const long = headlineSize('$123B of yield missed', '+12,346%');
    expect(long).toBeLessThan(80);
    expect(long * 0.6 * '$123B of yield missed'.length + 8 * 56 * 0.62).toBeLessThanOrEqual(1104);
  });
});

describe('PNG text chunks', () => {
  it('round-trips tEXt chunks any reader can find after IHDR', async () => {
    const { png } = await renderCard(base, { publicUrl: 'https://cards.example/cards/x.png', tokens });
    expect(readPngText(png)).toEqual({
      Title: expect.stringContaining('$2.1K on WIF'), Software: 'OOF', 'Moment-Id': base.id, Wallet: base.wallet, URL: 'https://cards.example/cards/x.png',
    });
    expect(readPngText(addPngText(png, { Extra: 'é' }))).toMatchObject({ Extra: 'é' });
  });
});

describe('renderCard', () => {
  it.each(moments.map((m) => [m.kind, m]))('%s: 1200×630, small, one layout per kind', async (_k, m) => {
    const points: Array<[number, string]> = Array.from({ length: 170 }, (_, i) => [Date.parse(m.at) + i * 3_600_000, (1 + Math.sin(i / 9)).toFixed(8)]);
    const { png, svg } = await renderCard(m, { chart: { points }, tokens });
    expect(ihdr(png)).toEqual({ width: 1200, height: 630 });
    expect(png.length).toBeGreaterThan(10_000); // not blank
    expect(png.length).toBeLessThanOrEqual(150_000);
    expect(svg).toContain('<svg');
    // The whole card as laid out: any change to layout, wording or chart shows up in review.
    expect(svg).toMatchSnapshot(`${m.kind} svg`);
  });

  it('keeps every element inside the card whatever the lengths and magnitudes', () => {
    const extreme = { ...base, mint: 'X'.repeat(44), missedUsd: '999999999999999.99', pct: '99999.9', explain: { ...base.explain, quantity: '123456789012345.123456789', tradePrice: '0.000000000001' } };
    const tree = JSON.stringify(cardTree(extreme));
    expect(tree).toContain('whiteSpace":"nowrap');
    expect(tree).toContain('textOverflow":"ellipsis');
    expect(tree).not.toContain('X'.repeat(13)); // long symbols are cut
  });

  it('matches the layout snapshot of each kind', () => {
    for (const m of moments) expect(cardTree(m, undefined, tokens)).toMatchSnapshot(m.kind);
  });

  it('shows the token\'s logo beside the story, without moving the chart box', async () => {
    const logo = 'data:image/png;base64,' + Buffer.from(new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><circle cx="48" cy="48" r="44" fill="#f5a524"/></svg>').render().asPng()).toString('base64');
    const points: Array<[number, string]> = Array.from({ length: 170 }, (_, i) => [Date.parse(base.at) + i * 3_600_000, (1 + Math.sin(i / 9)).toFixed(8)]);
    const plain = await renderCard(base, { chart: { points }, tokens });
    const withLogo = await renderCard(base, { chart: { points }, tokens: { [base.mint]: { symbol: 'WIF', logo } } });
    expect(withLogo.svg).toContain(logo.slice(0, 120));
    expect(plain.svg).not.toContain('data:image/png');
    // The chart is drawn at the same place in both.
    const chartAt = (svg: string) => /<g transform="translate\((\d+) (\d+)\)">/.exec(svg)?.slice(1);
    expect(chartAt(withLogo.svg)).toEqual(chartAt(plain.svg));
    expect(withLogo.png.length).toBeLessThanOrEqual(150_000);
  });
});

/** A process's nice value (/proc/<pid>/stat, field 19) and its scheduler autogroup (/proc/<pid>/autogroup). */
function priorityOf(pid: number | 'self'): { nice: number; group?: string; groupNice?: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  const ag = existsSync(`/proc/${pid}/autogroup`) ? /^(\S+) nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8')) : null;
  return { nice, group: ag?.[1], groupNice: ag ? Number(ag[2]) : undefined };
}

describe('RenderPool', () => {
  it('renders in processes below the rest of the stack: their own autogroup, lowered, and a lower nice value', async () => {
    const own = priorityOf('self');
    const pool = new RenderPool(1);
    try {
      await pool.render(base);
      expect(pool.pids).toHaveLength(1);
      const child = priorityOf(pool.pids[0]!);
      expect(child.nice).toBe(Math.min(19, own.nice + RENDER_NICE));
      // Where the kernel groups by session (autogroups), a thread's nice value only counts inside its own process's
      // group: the render process has a group of its own, lowered, and this process's group is left as it was.
      if (own.group !== undefined) {
        expect(child.group).not.toBe(own.group);
        expect(child.groupNice).toBe(RENDER_NICE);
        expect(priorityOf('self')).toEqual(own);
      }
    } finally {
      await pool.close();
    }
  });

  it('a render process that dies fails only its own card; the next one is drawn by a new process', async () => {
    const pool = new RenderPool(1);
    try {
      await pool.render(base);
      const [first] = pool.pids;
      const dying = pool.render(base);
      process.kill(first!, 'SIGKILL');
      await expect(dying).rejects.toThrow(/render process exited/);
      const png = await pool.render(base);
      expect(ihdr(png)).toEqual({ width: 1200, height: 630 });
      expect(pool.pids).not.toContain(first);
    } finally {
      await pool.close();
    }
    expect(pool.pids).toEqual([]);
  });

  it('renders the same card in a render process', async () => {
    const pool = new RenderPool(1);
    try {
      const png = await pool.render(base);
      expect(ihdr(png)).toEqual({ width: 1200, height: 630 });
      expect(readPngText(png)['Moment-Id']).toBe(base.id);
    } finally {
      await pool.close();
    }
  });
});
