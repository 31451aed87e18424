import { Pacer } from '../../adapters/http/retry';

/** Start times of `n` calls made at once through the pacer, relative to the first. */
async function startsOf(p: Pacer, n: number): Promise<number[]> {
  const t0 = performance.now();
  const starts: number[] = [];
  await Promise.all(Array.from({ length: n }, () => p.run(async () => { starts.push(performance.now() - t0); })));
  return starts.sort((a, b) => a - b);
}

describe('Pacer: at most `limit` starts in any window', () => {
  it('lets a burst within the limit go out at once (a live batch does not wait for a lookup the limit allows)', async () => {
    const starts = await startsOf(new Pacer(3, 60_000), 3);
    // Even spacing (the old pacer) started the 2nd and 3rd calls 20 s and 40 s after the first.
    expect(starts[2]).toBeLessThan(1000);
  });

  it('holds calls past the limit until the oldest start leaves the window, never more than `limit` per window', async () => {
    const windowMs = 300;
    const starts = await startsOf(new Pacer(3, windowMs), 8);
    expect(starts.slice(0, 3).every((t) => t < windowMs / 2)).toBe(true);
    expect(starts[3]).toBeGreaterThanOrEqual(windowMs - 5);
    expect(starts[6]).toBeGreaterThanOrEqual(2 * windowMs - 5);
    // Any window holds at most three starts (timer slack of a few ms allowed on the early side only).
    for (let i = 3; i < starts.length; i++) expect(starts[i]! - starts[i - 3]!).toBeGreaterThanOrEqual(windowMs - 5);
  });

  it('counts the window from the clock, so a pause restores the whole burst', async () => {
    let now = 0;
    const p = new Pacer(2, 1000, () => now);
    await p.run(async () => undefined);
    await p.run(async () => undefined);
    now = 1000;
    const t0 = performance.now();
    await Promise.all([p.run(async () => undefined), p.run(async () => undefined)]);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('refuses a limit it cannot keep', () => {
    expect(() => new Pacer(0)).toThrow(/whole number/);
    expect(() => new Pacer(1.5)).toThrow(/whole number/);
    expect(() => new Pacer(1, 0)).toThrow(/positive window/);
  });
});
