import { D } from '../../domain/money';
import { dailyScores, oofScore } from '../../domain/report/score';

const NOW = Date.parse('2025-03-31T00:00:00Z');
const A = { at: '2025-03-21T00:00:00Z', missedUsd: '400', severity: '0.8' };
const B = { at: '2025-01-30T00:00:00Z', missedUsd: '1000', severity: '0.5' };

describe('the OOF score (docs/detection.md)', () => {
  it('gives the worked example of docs/detection.md', () => {
    const s = oofScore([A, B], '10000', NOW);
    expect(s.weightedMissedUsd.toFixed(6)).toBe('567.480210');
    expect(s.missedShare.toFixed(6)).toBe('0.053701');
    expect(s.severityPart.toFixed(6)).toBe('0.371855');
    expect(s.score).toBe(18);
  });

  it('is 0 without moments; one fresh moment of severity 1 scores 80 without volume, 20 beside a huge one', () => {
    expect(oofScore([], '123', NOW).score).toBe(0);
    // P = 1 (no volume), S = 1 / 2: 100 · (0.6 + 0.2) = 80.
    expect(oofScore([{ at: '2025-03-31T00:00:00Z', missedUsd: '5', severity: '1' }], '0', NOW).score).toBe(80);
    // Huge volume: only the severity part is left, 100 · 0.4 · 0.5 = 20.
    expect(oofScore([{ at: '2025-03-31T00:00:00Z', missedUsd: '5', severity: '1' }], '1e30', NOW).score).toBe(20);
  });

  it('forgets old moments and ignores future ones', () => {
    const old = oofScore([{ ...A, at: '2023-01-01T00:00:00Z' }], '10000', NOW);
    expect(old.score).toBeLessThan(oofScore([A], '10000', NOW).score);
    expect(oofScore([{ ...A, at: '2025-04-02T00:00:00Z' }], '10000', NOW).score).toBe(0);
  });

  it('keeps a daily history that ends on the day of now with the score of now', () => {
    const days = dailyScores([A, B], [[Date.parse('2025-01-01T12:00:00Z'), new D(4000)], [Date.parse('2025-03-01T00:00:00Z'), new D(6000)]], Date.parse('2025-01-01T12:00:00Z'), NOW);
    expect(days[0]).toMatchObject({ day: '2025-01-01', score: 0, moments: 0 });
    expect(days.at(-1)!.day).toBe('2025-03-31');
    expect(days.at(-1)!.score).toBe(oofScore([A, B], '10000', NOW).score);
    expect(days.find((d) => d.day === '2025-01-30')!.moments).toBe(1);
    expect(days.find((d) => d.day === '2025-01-30')!.volumeUsd.toFixed()).toBe('4000');
    expect(days).toHaveLength(90);
  });
});
