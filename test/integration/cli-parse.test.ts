import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTransactions } from '../../domain/parsing/parse';
import { FIXTURES, readJson, transactionFixtures } from '../helpers/fixtures';
import { runOof } from '../helpers/cli';



describe('oof parse (the real CLI process)', () => {
  it('prints the normalized transactions of a file as a JSON array', async () => {
    const file = path.join(FIXTURES, 'transactions/metamask/swap-trump-to-jup.json');
    const r = await runOof(['parse', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(parseTransactions(readJson('transactions/metamask/swap-trump-to-jup.json')));
  });

  it('reads standard input and honours --wallet', async () => {
    const wallet = 'BYh4CfuGDvFMKaZp3RPmkw9y6qg3sWukA2TiGJDeLKZi';
    const json = readJson('transactions/metamask/send-spl-token-and-create-token-account.json');
    const r = await runOof(['parse', '--wallet', wallet, '-'], JSON.stringify(json));
    expect(r.code).toBe(0);
    const [n] = JSON.parse(r.stdout);
    expect(n.wallet).toBe(wallet);
    expect(n.actions.map((a: any) => a.kind)).toEqual(['transfer_in', 'transfer_in']);
  });

  it('handles arrays of thousands of mixed transactions, each for its own fee payer, streamed from stdin', async () => {
    const all = transactionFixtures().map(([, j]) => j);
    const big = Array.from({ length: 3000 }, (_, i) => all[i % all.length]);
    const r = await runOof(['parse'], JSON.stringify(big));
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(3000);
    expect(out[1].wallet).toBe(parseTransactions(all[1])[0]!.wallet);
    expect(out[all.length + 2]).toEqual(parseTransactions(all[2])[0]);
  });

  it('accepts an empty array', async () => {
    const r = await runOof(['parse'], '[]');
    expect([r.code, JSON.parse(r.stdout)]).toEqual([0, []]);
  });

  it.each([
    [['parse', '/no/such/file.json'], undefined, /cannot read \/no\/such\/file.json: ENOENT/],
    [['parse'], '{"not": "a tx"}', /transaction 0: not a transaction/],
    [['parse'], '[1, 2', /transaction 0: expected a transaction object/],
    [['parse'], '{oops', /standard input is not valid JSON/],
    [['parse', '--wallet', 'nope'], '[]', /--wallet nope is not a Solana address/],
    [['parse', '--bogus'], '[]', /Unknown option '--bogus'/],
    [['frobnicate'], '', /unknown command "frobnicate"/],
  ])('fails clearly: oof %j', async (args, stdin, msg) => {
    const r = await runOof(args as string[], stdin);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reads a file with junk after the first item as invalid JSON', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'oof-cli-'));
    const f = path.join(dir, 'bad.json');
    writeFileSync(f, '[{"a":1}] trailing');
    const r = await runOof(['parse', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad.json is not valid JSON/);
  });
});
