import { D } from '../money';
import type { Moment, MomentKind } from '../detection/moment';

/** What a destination wants: moments of these wallets, of these kinds (null: all), at least this severe, in these states. */
export interface AlertFilter {
  wallets: string[];
  kinds: MomentKind[] | null;
  /** Decimal text 0..1, compared exactly. */
  minSeverity: string;
  statuses: Array<Moment['status']>;
}

export function alertMatches(f: AlertFilter, m: Pick<Moment, 'wallet' | 'kind' | 'severity' | 'status'>): boolean {
  return f.wallets.includes(m.wallet)
    && (f.kinds === null || f.kinds.includes(m.kind))
    && f.statuses.includes(m.status)
    && new D(m.severity).gte(f.minSeverity);
}
