import type { Dec } from '../money';
import { mulDivUsd, XZERO as ZERO } from './exact';

/** One acquisition still (partly) held: quantities in exact 10^-18 units, its cost in USD or unknown (null). */
export interface Lot {
  atMs: number;
  signature: string;
  qty: bigint;
  left: bigint;
  cost: Dec | null;
  costLeft: Dec | null;
}

/** What a disposal took: the known-cost quantity and its cost, and the quantity taken from unknown-cost lots. */
export interface Taken { known: bigint; cost: Dec; unknown: bigint; beyond: bigint }

export interface PartSink { (lot: Lot | null, part: bigint, cost: Dec | null): void }

/**
 * One mint's FIFO queue for the owner as a whole. A lot's cost leaves it in proportion to the quantity taken
 * (cost · part / qty); the part that empties a lot takes whatever cost is left, so the costs a lot gives up add up
 * to its cost exactly.
 */
export class LotQueue {
  private lots: Lot[] = [];
  private head = 0;

  add(lot: Lot): void {
    if (lot.qty > 0n) this.lots.push(lot);
  }

  take(q: bigint, sink?: PartSink): Taken {
    let rest = q;
    let known = 0n;
    let unknown = 0n;
    let cost: Dec = ZERO;
    const lots = this.lots;
    while (rest > 0n && this.head < lots.length) {
      const lot = lots[this.head]!;
      const part = lot.left <= rest ? lot.left : rest;
      let partCost: Dec | null = null;
      if (lot.cost !== null) {
        partCost = part === lot.left ? lot.costLeft! : mulDivUsd(lot.cost, part, lot.qty);
        lot.costLeft = part === lot.left ? ZERO : lot.costLeft!.minus(partCost);
        cost = cost.plus(partCost);
        known += part;
      } else {
        unknown += part;
      }
      lot.left -= part;
      rest -= part;
      if (lot.left === 0n) {
        lots[this.head] = undefined as unknown as Lot; // let the emptied lot go
        this.head++;
      }
      sink?.(lot, part, partCost);
    }
    if (rest > 0n) sink?.(null, rest, null);
    if (this.head > 1024 && this.head * 2 > lots.length) {
      this.lots = lots.slice(this.head);
      this.head = 0;
    }
    return { known, cost, unknown, beyond: rest };
  }

  /** held, cost basis of the known-cost lots, quantity of unknown cost. */
  holdings(): { held: bigint; costBasis: Dec; unknownQty: bigint } {
    let held = 0n;
    let unknownQty = 0n;
    let costBasis: Dec = ZERO;
    for (let i = this.head; i < this.lots.length; i++) {
      const lot = this.lots[i]!;
      held += lot.left;
      if (lot.cost === null) unknownQty += lot.left;
      else costBasis = costBasis.plus(lot.costLeft!);
    }
    return { held, costBasis, unknownQty };
  }
}
