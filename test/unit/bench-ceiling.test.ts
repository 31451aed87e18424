import { atLeast, atMost, compare, interleave, median, ratiosPass } from '../../bench/ceiling';

describe('bench ceiling: interleaved pairs and their ratio', () => {
  it('runs ours and the ceiling alternately and refuses fewer than three pairs', async () => {
    const order: string[] = [];
    const s = await interleave(3, (i) => (order.push(`A${i}`), 10 + i), (i) => (order.push(`B${i}`), 20 + i));
    expect(order).toEqual(['A0', 'B0', 'A1', 'B1', 'A2', 'B2']);
    expect(s).toEqual({ ours: [10, 11, 12], ceiling: [20, 21, 22] });
    await expect(interleave(2, () => 1, () => 1)).rejects.toThrow(/at least 3/);
  });

  it('takes the median of the per-pair ratios, so one disturbed pair does not move it', () => {
    // The second pair ran while a neighbour loaded the machine: both sides slow, its ratio an outlier.
    const { figure, ratio } = compare({ ours: [60, 20, 62], ceiling: [100, 100, 100] }, 'ours ÷ bare', atLeast(0.6));
    expect(ratio.pairs).toEqual([0.6, 0.2, 0.62]);
    expect(ratio.value).toBe(0.6);
    expect(ratio.pass).toBe(true);
    expect(figure).toEqual({ ours: 60, ceiling: 100 });
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('checks "≤ k× + c" on the medians and reports a ratio without a target as neither met nor missed', () => {
    const latency = compare({ ours: [16, 17, 18], ceiling: [4, 4, 4] }, 'p95', atMost(3, 5, 'ms'));
    expect(latency.ratio.pass).toBe(true); // 17 ≤ 3 × 4 + 5
    expect(compare({ ours: [18, 18, 18], ceiling: [4, 4, 4] }, 'p95', atMost(3, 5, 'ms')).ratio.pass).toBe(false);
    expect(compare({ ours: [13, 13, 13], ceiling: [4, 4, 4] }, 'time', atMost(3)).ratio.pass).toBe(false);
    const reported = compare({ ours: [2, 2, 2], ceiling: [1, 1, 1] }, 'report only');
    expect(reported.ratio.pass).toBeUndefined();
    expect(ratiosPass({ a: reported.ratio, b: latency.ratio })).toBe(true);
    expect(ratiosPass({ a: reported.ratio, b: { ...latency.ratio, pass: false } })).toBe(false);
  });
});
