import { DEFAULT_DETECTION } from '../../domain/detection/config';
import { detectMoments } from '../../domain/detection/detect';
import { nextSeverity, triggerPrice } from '../../domain/detection/triggers';
import { heldAt } from '../../domain/detection/held';
import { lotKey } from '../../domain/detection/lots';
import { D } from '../../domain/money';
import { DAY, H, prices, swap, T0, TOK, tx, USDC } from '../helpers/history';

const cfg = DEFAULT_DETECTION;

describe('watch trigger prices (where both thresholds first hold)', () => {
  it('S2E: the % threshold binds for a large sale, the $ threshold for a small one', () => {
    expect(triggerPrice({ side: 'sell', tradePrice: '2', quantity: '1000' }, cfg)).toEqual({ direction: 'up', price: '2.5' });
    // 40 tokens at $2: +25 % is $20 only; $25 needs +$0.625 a token.
    expect(triggerPrice({ side: 'sell', tradePrice: '2', quantity: '40' }, cfg)).toEqual({ direction: 'up', price: '2.625' });
  });

  it('BHD: downward, on what is still held; none when nothing is held or $25 cannot be lost', () => {
    expect(triggerPrice({ side: 'buy', tradePrice: '1', quantity: '1000' }, cfg)).toEqual({ direction: 'down', price: '0.7' });
    expect(triggerPrice({ side: 'buy', tradePrice: '1', quantity: '50' }, cfg)).toEqual({ direction: 'down', price: '0.5' });
    expect(triggerPrice({ side: 'buy', tradePrice: '1', quantity: '0' }, cfg)).toBeUndefined();
    expect(triggerPrice({ side: 'buy', tradePrice: '1', quantity: '20' }, cfg)).toBeUndefined();
  });

  it('a higher severity floor asks for a worse price; a floor past full severity asks for none', () => {
    expect(triggerPrice({ side: 'sell', tradePrice: '1', quantity: '1000', minSeverity: '0.8' }, cfg)).toEqual({ direction: 'up', price: '1.6' });
    expect(triggerPrice({ side: 'buy', tradePrice: '1', quantity: '1000', minSeverity: '0.5' }, cfg)).toEqual({ direction: 'down', price: '0.6' });
    expect(triggerPrice({ side: 'sell', tradePrice: '1', quantity: '1000', minSeverity: '1.1' }, cfg)).toBeUndefined();
  });

  it('rounds to the side that wakes early, so a price that meets the rule exactly is never missed', () => {
    const t = triggerPrice({ side: 'sell', tradePrice: '1', quantity: '3' }, cfg)!; // 1 + 25/3
    expect(new D(t.price).lte(new D(1).plus(new D(25).div(3)))).toBe(true);
    const b = triggerPrice({ side: 'buy', tradePrice: '1', quantity: '300' }, cfg)!; // min(0.7, 1 − 25/300)
    expect(new D(b.price).gte(new D(0.7))).toBe(true);
  });

  it('the trigger is where the detector first fires', () => {
    const sell = tx(T0, [swap(TOK, '100', USDC, '100')]);
    const at = (p: string) => detectMoments({ wallet: sell.wallet, transactions: [sell], nowMs: T0 + 2 * DAY, kinds: ['S2E'], prices: prices({ [TOK]: [[T0, '1'], [T0 + H, p]] }) }).moments.length;
    const t = triggerPrice({ side: 'sell', tradePrice: '1', quantity: '100' }, cfg)!;
    expect(at(t.price)).toBe(1);
    expect(at(new D(t.price).minus('0.000001').toFixed())).toBe(0);
  });

  it('steps: at least 10 points worse, and the alarms left reach full severity', () => {
    expect(nextSeverity('0.6667', 2)).toBe('0.8334');
    expect(nextSeverity('0.95', 3)).toBe('1.05');
    expect(nextSeverity('0.4', 0)).toBe('1.4');
  });

  it('what is still held of a lot after later sells', () => {
    const buy = tx(T0, [swap(USDC, '100', TOK, '100')]);
    const sell = tx(T0 + H, [swap(TOK, '60', USDC, '60')]);
    const held = (atMs: number) => heldAt([buy, sell], [{ signature: buy.signature, mint: TOK }], atMs).get(lotKey(buy.signature, TOK));
    expect(held(T0 + 1)).toBe('100');
    expect(held(T0 + 2 * H)).toBe('40');
  });
});
