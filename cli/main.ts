import { parseArgs } from 'node:util';
import { CliError } from './errors';

// Each command loads its own modules when it runs (rendering pulls in satori and resvg): `oof --help` and
// `oof parse` start without paying for what they do not use.

const USAGE = `usage: oof <command> [options]

commands:
  parse [--wallet W] [FILE|-]   print the normalized transactions of FILE (or standard input) as a JSON array;
                                for W, or for each transaction's fee payer when --wallet is left out
  detect [FILE|-]               print the moments of { wallet, transactions, prices, now? } as a JSON array,
                                sorted by at then kind
  render [FILE|-] --out card.png
                                render one moment (design §6) to a 1200×630 PNG
  report [FILE|-]               print the FIFO PnL report of { wallets, transactions, prices, now? } as JSON
  report --wallet W… [--csv [--trades]] [--from T] [--to T] [--include-spam] [--gateway URL] [--token T]
                                the report of the stored history of W (several: one owner's) from the gateway;
                                --csv the positions as CSV, --trades every trade matched to its lots;
                                spam tokens are left out unless --include-spam
  analyze W… [--follow] [--json] [--gateway URL] [--token T]
                                start an analysis through the gateway (default $OOF_GATEWAY or
                                http://127.0.0.1:8080); --follow shows progress and prints the moments
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'parse': {
      const { values, positionals } = parseArgs({ args: rest, options: { wallet: { type: 'string' } }, allowPositionals: true });
      if (positionals.length > 1) throw new CliError('oof parse takes at most one FILE');
      const { parseCommand } = await import('./parse-command');
      return parseCommand({ wallet: values.wallet, file: positionals[0] }, { stdin: process.stdin, stdout: process.stdout });
    }
    case 'detect': {
      const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
      if (positionals.length > 1) throw new CliError('oof detect takes at most one FILE');
      const { detectCommand } = await import('./detect-command');
      return detectCommand({ file: positionals[0] }, { stdin: process.stdin, stdout: process.stdout });
    }
    case 'render': {
      const { values, positionals } = parseArgs({ args: rest, options: { out: { type: 'string' } }, allowPositionals: true });
      if (positionals.length > 1) throw new CliError('oof render takes at most one FILE');
      const { renderCommand } = await import('./render-command');
      return renderCommand({ file: positionals[0], out: values.out }, process.stdin);
    }
    case 'report': {
      const { values, positionals } = parseArgs({
        args: rest, allowPositionals: true,
        options: { wallet: { type: 'string', multiple: true }, csv: { type: 'boolean', default: false }, trades: { type: 'boolean', default: false }, from: { type: 'string' }, to: { type: 'string' }, 'include-spam': { type: 'boolean', default: false }, gateway: { type: 'string' }, token: { type: 'string' } },
      });
      if (values.wallet?.length) {
        if (positionals.length) throw new CliError('oof report --wallet reads the gateway: give no FILE');
        const { remoteReport } = await import('./report-remote');
        return remoteReport({ wallets: values.wallet, csv: values.csv!, trades: values.trades!, from: values.from, to: values.to, includeSpam: values['include-spam']!, gateway: values.gateway ?? process.env.OOF_GATEWAY ?? 'http://127.0.0.1:8080', token: values.token ?? process.env.OOF_TOKEN }, process.stdout);
      }
      if (values.csv || values.trades || values.from || values.to || values['include-spam']) throw new CliError('--csv, --trades, --from, --to and --include-spam go with --wallet (the gateway\'s report)');
      if (positionals.length > 1) throw new CliError('oof report takes at most one FILE');
      const { reportCommand } = await import('./report-command');
      return reportCommand({ file: positionals[0] }, { stdin: process.stdin, stdout: process.stdout });
    }
    case 'analyze': {
      const { values, positionals } = parseArgs({ args: rest, options: { follow: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, gateway: { type: 'string' }, token: { type: 'string' } }, allowPositionals: true });
      const { analyze } = await import('./analyze-command');
      await analyze({ wallets: positionals, follow: values.follow!, json: values.json!, gateway: values.gateway ?? process.env.OOF_GATEWAY ?? 'http://127.0.0.1:8080', token: values.token ?? process.env.OOF_TOKEN });
      return 0;
    }
    default:
      throw new CliError(`unknown command "${command}"\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    if (err instanceof CliError) {
      process.stderr.write(`oof: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else if (err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || err?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      process.stderr.write(`oof: ${err.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`oof: unexpected error: ${err?.stack ?? err}\n`);
      process.exitCode = 1;
    }
  },
);
