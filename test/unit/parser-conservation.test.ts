import fc from 'fast-check';
import { toViews } from '../../domain/parsing/input';
import { ParseError, parseTransactions, walletsTouched } from '../../domain/parsing/parse';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import { actionChanges, asPlain, rawWalletChanges } from '../helpers/conservation';
import { readJson, transactionFixtures, unwrap } from '../helpers/fixtures';

const rpcFixtures = [
  ...transactionFixtures(),
  ['apis/solana-getTransaction-jsonParsed-jupiter-swap.json', readJson('apis/solana-getTransaction-jsonParsed-jupiter-swap.json')] as [string, any],
];

function wellFormed(n: NormalizedTx): void {
  for (const a of n.actions) {
    for (const legs of [a.sent, a.received]) {
      if (!legs) continue;
      expect(legs.amount).toMatch(/^(0|[1-9]\d*)(\.\d*[1-9])?$/);
      expect(legs.amount).not.toBe('0');
    }
    expect(a.sent || a.received).toBeTruthy();
    if (a.kind === 'swap') expect(a.sent && a.received).toBeTruthy();
  }
}

describe('conservation: actions add up to the wallet\'s real balance change, fee excluded', () => {
  it.each(rpcFixtures)('%s, for every wallet it touches', (_file, json) => {
    const tx = unwrap(json);
    const [view] = toViews(json);
    const wallets = walletsTouched(view!);
    expect(wallets.length).toBeGreaterThan(0);
    for (const wallet of wallets) {
      const [n] = parseTransactions(json, wallet);
      wellFormed(n!);
      expect({ wallet, changes: asPlain(actionChanges(n!)) }).toEqual({ wallet, changes: asPlain(rawWalletChanges(tx, wallet)) });
    }
  });

  it('holds on the Helius enhanced sample, against accountData', () => {
    const e = readJson('apis/helius-enhanced-swap-jupiter.json');
    const [n] = parseTransactions(e);
    const sol = e.accountData.find((a: any) => a.account === e.feePayer).nativeBalanceChange + e.fee;
    expect(asPlain(actionChanges(n!))).toEqual({
      '3rsJxhSo1qpZZGsC5KTcTrwTBjxTRB34EmQ4B4DFg9t7': '93.54889794',
      So11111111111111111111111111111111111111112: (sol / 1e9).toString(),
    });
  });
});

describe('input containers', () => {
  const bare = readJson('transactions/metamask/swap-usdc-to-jup.json');
  const expected = parseTransactions(bare);

  it('accepts a bare result, an envelope, an array and nested arrays alike', () => {
    expect(parseTransactions({ jsonrpc: '2.0', id: 1, result: bare })).toEqual(expected);
    expect(parseTransactions([bare])).toEqual(expected);
    expect(parseTransactions([[bare], { jsonrpc: '2.0', id: 2, result: bare }])).toEqual([...expected, ...expected]);
    expect(parseTransactions(readJson('transactions/txparser/pumpfun_buy_0.json'))).toHaveLength(1); // [ result ]
  });

  it.each([
    ['null', null, /expected a transaction object, got null/],
    ['a number', 42, /got number/],
    ['an empty object', {}, /not a transaction/],
    ['a JSON-RPC error', { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Invalid params' } }, /JSON-RPC error -32602: Invalid params/],
    ['an unknown signature', { jsonrpc: '2.0', id: 1, result: null }, /returned null/],
    ['no account keys', { meta: { fee: 5000 }, transaction: { signatures: ['x'], message: {} } }, /accountKeys is missing/],
    ['no signature', { meta: { fee: 5000 }, transaction: { message: { accountKeys: ['a'] } } }, /signatures\[0\] is missing/],
    ['a fractional fee', { meta: { fee: 1.5, preBalances: [1], postBalances: [1] }, transaction: { signatures: ['s'], message: { accountKeys: ['a'] } } }, /meta.fee must be an integer/],
  ])('rejects %s with a ParseError that says what is wrong', (_why, input, msg) => {
    expect(() => parseTransactions(input)).toThrow(ParseError);
    expect(() => parseTransactions(input)).toThrow(msg);
  });

  it('names the position of the bad item in an array', () => {
    expect(() => parseTransactions([bare, {}])).toThrow(/^\$\[1\]: not a transaction/);
  });
});

describe('property: mutated real transactions never crash the parser', () => {
  const txs = transactionFixtures().map(([, j]) => unwrap(j)).filter((t) => !t.meta.err);
  const pick = fc.integer({ min: 0, max: txs.length - 1 });

  it('balance mutations: conservation still holds for every wallet', () => {
    fc.assert(
      fc.property(pick, fc.array(fc.tuple(fc.nat(), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.constantFrom('pre', 'post', 'tokpre', 'tokpost')), { minLength: 1, maxLength: 6 }), (i, muts) => {
        const tx = structuredClone(txs[i]);
        for (const [at, by, where] of muts) {
          if (where === 'pre' || where === 'post') {
            const arr = tx.meta[where === 'pre' ? 'preBalances' : 'postBalances'];
            const k = at % arr.length;
            // Accounts opened and closed inside the transaction (0 → 0) are known to be the wallet's only from its
            // instructions, which the reference computation does not read; the parser counts them, rightly.
            if (tx.meta.preBalances[k] === 0 && tx.meta.postBalances[k] === 0) continue;
            const v = BigInt(arr[k]) + by;
            arr[k] = Number(v < 0n ? -v : v % 2n ** 50n);
          } else {
            const arr = tx.meta[where === 'tokpre' ? 'preTokenBalances' : 'postTokenBalances'];
            if (!arr.length) continue;
            const e = arr[at % arr.length];
            const v = BigInt(e.uiTokenAmount.amount) + by;
            e.uiTokenAmount.amount = (v < 0n ? -v : v).toString();
          }
        }
        const [view] = toViews(tx);
        for (const wallet of walletsTouched(view!)) {
          const [n] = parseTransactions(tx, wallet);
          wellFormed(n!);
          expect(asPlain(actionChanges(n!))).toEqual(asPlain(rawWalletChanges(tx, wallet)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('structural damage: either a ParseError or a well-formed result', () => {
    const damage = fc.constantFrom(
      (t: any) => { t.meta.postBalances.length = Math.floor(t.meta.postBalances.length / 2); },
      (t: any) => { t.meta.preTokenBalances.splice(0, 1); },
      (t: any) => { t.meta.postTokenBalances = t.meta.postTokenBalances.map((b: any) => ({ ...b, accountIndex: b.accountIndex + 100 })); },
      (t: any) => { delete t.meta.postTokenBalances; },
      (t: any) => { delete t.meta.innerInstructions; },
      (t: any) => { t.transaction.message.instructions = [{ programIdIndex: 999, accounts: [], data: '' }]; },
      (t: any) => { t.transaction.message.instructions.forEach((ix: any) => { ix.data = '0OIl'; }); },
      (t: any) => { delete t.meta; },
      (t: any) => { t.meta.fee = 'lots'; },
      (t: any) => { t.meta.preBalances[0] = null; },
      (t: any) => { t.meta.postTokenBalances.forEach((b: any) => { b.uiTokenAmount.amount = '1e5'; }); },
      (t: any) => { t.meta.postTokenBalances.forEach((b: any) => { delete b.owner; }); },
      (t: any) => { t.meta.err = { InstructionError: [0, 'Custom'] }; },
      (t: any) => { t.transaction.message.accountKeys = t.transaction.message.accountKeys.slice(0, 2); },
    );
    fc.assert(
      fc.property(pick, fc.array(damage, { minLength: 1, maxLength: 3 }), (i, hits) => {
        const tx = structuredClone(txs[i]);
        for (const hit of hits) {
          try { hit(tx); } catch { /* the field was already gone */ }
        }
        try {
          for (const n of parseTransactions(tx)) wellFormed(n);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 400 },
    );
  });
});
