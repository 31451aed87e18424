import { parseTransactions } from '../../domain/parsing/parse';
import type { WalletAction } from '../../domain/parsing/normalized';
import { readJson } from '../helpers/fixtures';

const SOL = 'So11111111111111111111111111111111111111112';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const JUP = 'JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN';
const A16Z = 'HeLp6NuQkmYB4pYWo2zYs22mESHXPQYzXbB8n4V98jwC';
const MM_FEE = '4cLUBQKZgCv2AqGXbh8ncGhrDRcicUe3WSDzjgPY2oTA'; // MetaMask's swap-fee account (0.875 %)

const fmt = (a: WalletAction) =>
  `${a.kind}${a.sent ? ` -${a.sent.amount} ${a.sent.mint}` : ''}${a.received ? ` +${a.received.amount} ${a.received.mint}` : ''}` +
  `${a.source ? ` @${a.source}` : ''}${a.counterparty ? ` >${a.counterparty}` : ''}`;

function parse(file: string, wallet?: string) {
  const out = parseTransactions(readJson(file), wallet);
  expect(out).toHaveLength(1);
  return out[0]!;
}

/**
 * Wallet-level expectations, checked against what the source projects assert (in their own terms) and against the
 * balances. Where our numbers differ from an assertion, the comment says why.
 */
describe('parser on the MetaMask fixtures (json, v0 and legacy)', () => {
  it('USDC → Cobie: the 8 lamports the wallet gained are an `other` receipt, not SOL sent', () => {
    const n = parse('transactions/metamask/swap-usdc-to-cobie.json', 'DtMUkCoeyzs35B6EpQQxPyyog6TRwXxV1W1Acp8nWBNa');
    expect(n.actions.map(fmt)).toEqual([
      `swap -0.01 ${USDC} +2583.728601 HaMv3cdfDW6357yjpDur6kb6w52BUPJrMJpR76tjpump @JUPITER`,
      `other +0.000000008 ${SOL}`,
    ]);
    expect(n).toMatchObject({ feeLamports: '74798', failed: false, blockTime: '2025-02-25T10:53:01Z' }); // asserted timestamp 1740480781
  });

  it('USDC → JUP', () => {
    expect(parse('transactions/metamask/swap-usdc-to-jup.json').actions.map(fmt)).toEqual([`swap -1.1 ${USDC} +2.143812 ${JUP} @JUPITER`]);
  });

  it('A16Z (Token-2022) → SOL through Raydium routing', () => {
    expect(parse('transactions/metamask/swap-a16z-usdt-sol.json').actions.map(fmt)).toEqual([`swap -0.021898077 ${A16Z} +0.000028168 ${SOL} @RAYDIUM_ROUTE`]);
  });

  it('TRUMP → JUP: MetaMask asserts the gross 0.05 TRUMP; we split off its 0.875 % fee as a transfer_out, and the rent of the new JUP account stays the wallet\'s', () => {
    const n = parse('transactions/metamask/swap-trump-to-jup.json');
    expect(n.actions.map(fmt)).toEqual([
      `swap -0.049563 6p6xgHyF7AeE6TZkSmFsko444wqoP15icUSqi2jfGiPN +1.265445 ${JUP} @JUPITER`,
      `transfer_out -0.000437 6p6xgHyF7AeE6TZkSmFsko444wqoP15icUSqi2jfGiPN >${MM_FEE}`,
    ]);
  });

  it('SOL → Sahur on Raydium AMM v4: 0.01 SOL swapped; the 0.00203928 SOL of rent went into the wallet\'s own new account', () => {
    expect(parse('transactions/metamask/swap-sol-to-sahur.json').actions.map(fmt)).toEqual([
      `swap -0.01 ${SOL} +4036.960523 DNrmDMs2czDaAwgzg2BmvM7Jn5ZqA6VN5huRqCrSpump @RAYDIUM_AMM_V4`,
    ]);
  });

  it('SOL → USDC (a skipped source test): the balances say 0.00099125 SOL swapped plus a 0.00000875 SOL fee, not a receive', () => {
    expect(parse('transactions/metamask/swap-sol-to-usdc.json').actions.map(fmt)).toEqual([
      `swap -0.00099125 ${SOL} +0.167225 ${USDC} @JUPITER`,
      `transfer_out -0.00000875 ${SOL} >${MM_FEE}`,
    ]);
  });

  it('"SOL → OBRIC" is really USDC → SOL (a skipped source test; its unit was mislabelled)', () => {
    expect(parse('transactions/metamask/swap-sol-to-obric.json').actions.map(fmt)).toEqual([
      `swap -0.99125 ${USDC} +0.005903984 ${SOL} @JUPITER`,
      `transfer_out -0.00875 ${USDC} >${MM_FEE}`,
    ]);
  });

  it('failed swap: failed, no actions, the fee still paid by the fee payer', () => {
    const n = parse('transactions/metamask/failed-swap.json');
    expect(n).toMatchObject({ wallet: '8A4AptCThfbuknsbteHgGKXczfJpfjuVA9SLTSGaaLGC', failed: true, actions: [], feeLamports: '520451' });
    // The account MetaMask's test passes is not in the transaction: nothing happened to it, not even the fee.
    expect(parse('transactions/metamask/failed-swap.json', '8VCfQcnssNJznDqDoDDuzoKhdxgZWwwe5ikcKbAVWet5')).toMatchObject({ failed: true, feeLamports: '0', actions: [] });
  });

  it('a transfer to oneself changes nothing but the fee', () => {
    expect(parse('transactions/metamask/send-jup-transfer-checked-to-self.json')).toMatchObject({ actions: [], feeLamports: '80001' });
  });

  it('an SPL send that funds the receiver\'s new account, seen from both sides', () => {
    const sender = 'EMmTjuHsYCYX7vgPcQ2QVbNwYAwcvGoSMCEaHKc19DdE';
    const receiver = 'BYh4CfuGDvFMKaZp3RPmkw9y6qg3sWukA2TiGJDeLKZi';
    const rx = parse('transactions/metamask/send-spl-token-and-create-token-account.json', receiver);
    expect(rx.actions.map(fmt)).toEqual([`transfer_in +0.00207408 ${SOL} >${sender}`, `transfer_in +0.01 ${A16Z} >${sender}`]);
    expect(rx.feeLamports).toBe('0');
    const tx = parse('transactions/metamask/send-spl-token-and-create-token-account.json');
    expect(tx.wallet).toBe(sender);
    expect(tx.actions.map(fmt)).toEqual([`transfer_out -0.00207408 ${SOL} >${receiver}`, `transfer_out -0.01 ${A16Z} >${receiver}`]);
  });
});

describe('parser on the tx-parser fixtures (json; raw amounts asserted)', () => {
  it.each([
    ['raydiumLiquidityPoolV4_swap_0.json', `swap -836112.233953 2CrtdajpSb7DpMRLKP4yMtFLbCsWZjMkEvgSTf4Ypump +0.352936256 ${SOL} @RAYDIUM_AMM_V4`],
    ['raydiumLiquidityPoolV4_swap_1.json', `swap -0.1 ${SOL} +43045.438075 E8yBUD4AGdxK7MbQEf85oaAvVBuSoRsGCvX2sMxSpump @RAYDIUM_AMM_V4`],
    ['raydiumLiquidityPoolV4_swap_2.json', `swap -22254.340082 AaJ6gmTzaQw9zxfK6BD9N89wzZLuSuwTRbi8YrTCpump +0.002615124 ${SOL} @RAYDIUM_AMM_V4`],
    ['jupiterAggregatorV6_Route_1.json', `swap -0.4 ${SOL} +3861519.639304 3p7eCgdQx1RiJUfr4t7Z8w6DpVbP7CMa9Z6Ff69tpump @JUPITER`],
    ['jupiterAggregatorV6_Route_2.json', `swap -100 8SgNwESovnbG1oNEaPVhg6CR9mTMSK7jPvcYRe3wpump +0.012309272 ${SOL} @JUPITER`],
    ['jupiterAggregatorV6_sharedAccountsRoute_1.json', `swap -100 ${USDC} +0.94494517 oreoN2tQbHXVaZsr3pf66A48miqcBXCDJozganhEJgz @JUPITER`],
    ['jupiterAggregatorV6_sharedAccountsRoute_2.json', `swap -634862.142081 CMjfdovtzmgRsnhE1cCzdwDFGKt1UzZB4oCGQchQpump +47.461249 ${USDC} @JUPITER`],
  ])('%s: the asserted swap amounts, as UI decimals', (file, swap) => {
    expect(fmt(parse(`transactions/txparser/${file}`).actions[0]!)).toBe(swap);
  });

  it('pump.fun buys and sells include the 1 % pump.fun fee in the SOL leg; top-level tips are transfer_outs', () => {
    // Asserted: 3,000,000,000 lamports in, fee 30,000,000 → the wallet gave 3.03 SOL for the tokens.
    expect(parse('transactions/txparser/pumpfun_buy_0.json').actions.map(fmt)).toEqual([
      `swap -3.03 ${SOL} +56716561.396327 D66sbPtYqLnwPYcUqjDktrQtb52CnfF77C3sdpNpR8Si @PUMP_FUN`,
      `transfer_out -0.03 ${SOL} >7wrziDhcTrtGJszDMbzhpmkuJEg781muUPiBxJdHkMHb`,
      `transfer_out -0.01 ${SOL} >ADuUkR4vqLUMWXxW9gh6D6L8pMSawimctcNZ5pGwDcEt`,
    ]);
    // Asserted: 37,437,283,903 lamports out of the curve, less the 1 % fee (374,372,839) → 37.062911064 SOL received.
    const sell = parse('transactions/txparser/pumpfun_sell_0.json');
    expect(sell.actions.map(fmt)).toEqual([
      `swap -592443959 CnNVDyM7GXBBcH8giuRYm17YCn6kpFTTbnd6Tx4hpump +37.062911064 ${SOL} @PUMP_FUN`,
      `transfer_out -0.01 ${SOL} >HWEoBxYs7ssKuudEjzjmpfJVX7Dvi7wescFsVx2L5yoY`,
    ]);
  });

  it('a bundle of three buyers: each wallet gets its own swap, gross of its pump.fun fee', () => {
    const file = 'transactions/txparser/pumpfun_buy_bundle.json';
    const mint = 'ED5nyyWEzpPPiWimP8vYm7sD7TD3LAt3Q3gRTWHzPJBY';
    expect(parse(file, 'Gh6D6DZcASQLc2XoLpctT74KbRr4nrHF8wNptweckHoA').actions.map(fmt)).toEqual([`swap -0.389961228 ${SOL} +12373970.345963 ${mint} @PUMP_FUN`]); // 386,100,226 + 3,861,002
    expect(parse(file, '7SPkzf8DSxdemSKMEEKquRKEYrdDjcuHaQwac5nvnB4b').actions.map(fmt)).toEqual([`swap -0.390688975 ${SOL} +12100159.018198 ${mint} @PUMP_FUN`]); // 386,820,768 + 3,868,207
    expect(parse(file, 'GdCFP1doq784rQTHJDuvpLchVWoMtJwdAM8MQTCHWTuz').actions.map(fmt)).toEqual([`swap -0.397732218 ${SOL} +12023935.360031 ${mint} @PUMP_FUN`]); // 393,794,276 + 3,937,942
    expect(parse(file, '7SPkzf8DSxdemSKMEEKquRKEYrdDjcuHaQwac5nvnB4b').feeLamports).toBe('0'); // another signer paid the fee
  });

  it('token transfers: the asserted amounts, plus the rent the sender paid for each receiver\'s new account', () => {
    const t = parse('transactions/txparser/token_transfer_0.json');
    const tokens = t.actions.filter((a) => a.sent?.mint !== SOL);
    expect(tokens.length).toBeGreaterThan(1);
    for (const a of tokens) expect(a).toMatchObject({ kind: 'transfer_out', sent: { mint: 'HbDHSRNnamGivWjtbYYaPJjs1o3kmwq3bXVhWsLypump', amount: '3000' } }); // 3,000,000,000 at 6 decimals
    const checked = parse('transactions/txparser/transferChecked_0.json');
    for (const a of checked.actions.filter((x) => x.sent?.mint !== SOL)) expect(a.sent).toEqual({ mint: 'AZaxNof3Dy57yXKM99BidjB9vfnzJ3EBuEqiiVnQP71F', amount: '222' }); // 222,000,000,000 at 9
    for (const a of checked.actions.filter((x) => x.sent?.mint === SOL)) expect(a.sent!.amount).toBe('0.00203928');
  });
});

describe('parser on the anchores fixtures (jsonParsed; one SwapEvent per hop asserted)', () => {
  const W = '8WL4ZcyWExbaWdifyqU9FkNLbn3pLyk9fU6sNS2u4v27';
  it.each([
    ['3Cn7LoFcosLQAaYxHVAsXCnzKLvFSmb5Zg6qLqLqG41Xj7YKTAXVhQ8FsXT3fg1GvqvqtQGMp4waMhCj3iWu3Hpy', `swap -0.001 ${SOL} +0.405391 A3eME5CetyZPBoWbRUwY3tSe25S6tb18ba9ZPbWk9eFJ @JUPITER`],
    ['1ZSq1Aa2i6ES95SRhvWedfxppiNdyaUG4o5gd3qzsSiygnJPfGWagBUEPBGGoD81MLfaru6KBH4J3ppKFphZta4', `swap -0.00001 ${SOL} +12.839349 EwJN2GqUGXXzYmoAciwuABtorHczTA5LqbukKXV1viH7 @JUPITER`],
    ['469XLAdr6x5iQpRrRzySp8NcBnJm9SzKNHgRnx8F5gydroQPJkh5viC7P5yGta6jYW58yi9y3MJXAfVH5dJBWfbs', `swap -0.0001 ${SOL} +0.016248 ${JUP} @JUPITER`],
    ['2ZiXFzYVAaxBEoZfRP9s4vap4skREgNDzFZUga8Kcdd6SQtigs4a5f5LHpB5iYcw84yF4PKqR3EuVb7ex4fK8kMz', `swap -0.0001 ${SOL} +0.039649 A3eME5CetyZPBoWbRUwY3tSe25S6tb18ba9ZPbWk9eFJ @JUPITER`],
    ['3SevEqRaimXB8hgPD9QGmZTWMK2Tjc4D3LX4wQYbheamQtyh2XSaKzSrft155GA9HzADkPwD76FxZxg4dm5hksrq', `swap -0.041143 A3eME5CetyZPBoWbRUwY3tSe25S6tb18ba9ZPbWk9eFJ +0.000098996 ${SOL} @JUPITER`],
    ['3oweJMyjtMAmoyE23XAwszJQESaoagbh2W2UqUjUBtHGhexAL477qN767Sq8CdBfREka6diiY3aT8xkLvcdkPSWL', `swap -1 A3eME5CetyZPBoWbRUwY3tSe25S6tb18ba9ZPbWk9eFJ +1706.27501 AujTJJ7aMS8LDo3bFzoyXDwT3jBALUbu4VZhzZdTZLmG @JUPITER`],
  ])('%s: first hop in, last hop out', (sig, swap) => {
    const n = parse(`transactions/anchores/${sig}.json`);
    expect(n.wallet).toBe(W);
    expect(n.signature).toBe(sig);
    expect(n.actions.map(fmt)).toEqual([swap]);
  });
});

describe('parser on the API samples', () => {
  it('jsonParsed Jupiter USDC → SOL: the SOL landed in a closed temporary account; the 0.001 SOL system transfer is apart', () => {
    const n = parse('apis/solana-getTransaction-jsonParsed-jupiter-swap.json');
    expect(n.actions.map(fmt)).toEqual([
      `swap -9.938497 ${USDC} +0.049107593 ${SOL} @JUPITER`,
      `transfer_out -0.001 ${SOL} >8xnhU7R4b7mNPohdVHvXbwToeJ5RTCDL8ghSCxLz9XjG`,
    ]);
    expect(n.feeLamports).toBe('1636424');
  });

  it('Helius enhanced swap: exact amounts from rawTokenAmount and nativeBalanceChange, fee excluded', () => {
    const n = parse('apis/helius-enhanced-swap-jupiter.json');
    expect(n).toMatchObject({ wallet: 'HR7KFr9vhbEeFqSoiRFc8S4g8x7N6G2ryBicpFb35Cbm', slot: 255296024, feeLamports: '1034732' });
    expect(n.actions.map(fmt)).toEqual([`swap -0.1 ${SOL} +93.54889794 3rsJxhSo1qpZZGsC5KTcTrwTBjxTRB34EmQ4B4DFg9t7 @JUPITER`]);
  });

  it('the same NFT sale as a raw and as an enhanced webhook item gives the same buyer actions', () => {
    const raw = parseTransactions(readJson('apis/helius-webhook-raw.json'));
    const enhanced = parseTransactions(readJson('apis/helius-webhook-enhanced-nft-sale.json'));
    expect(raw).toHaveLength(1);
    const strip = (a: WalletAction) => ({ ...a, source: undefined });
    expect(raw[0]!.actions.map(strip)).toEqual(enhanced[0]!.actions.map(strip));
    expect(raw[0]!.actions[0]).toMatchObject({ kind: 'swap', sent: { mint: SOL, amount: '72.936' }, received: { amount: '1' } });
    expect(enhanced[0]!.actions[0]!.source).toBe('MAGIC_EDEN');
  });

  it('the official legacy vote transaction: only the fee', () => {
    expect(parse('apis/solana-getTransaction-json-official.json')).toMatchObject({ actions: [], feeLamports: '5000', blockTime: null }); // the sample's blockTime is null
  });
});
