/**
 * `npm run demo`: OOF end to end, offline, on the real code path. A local replay chain (a Solana JSON-RPC server
 * and a Jupiter/Birdeye price server on 127.0.0.1) serves two demo wallets whose trades sit at real dates and prices;
 * the whole stack starts on embedded defaults; the wallets are analysed through the public REST API while the SSE
 * stream draws progress; then the moments and their cards are listed. `--exit` stops afterwards; otherwise the stack
 * stays up (Temporal UI included) until Ctrl-C.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { analyze, momentTable } from '../cli/analyze-command';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { demoDataset, demoJupPrice, demoLiveSwap, demoTokenEntries, DEMO_WALLETS } from '../lib/replay/demo-dataset';
import { MarketReplayServer } from '../lib/replay/market-server';
import { SolanaRpcReplayServer } from '../lib/replay/solana-rpc-server';
import { startStack, type Stack } from '../lib/stack';

const running: { stack?: Stack; rpc?: SolanaRpcReplayServer; market?: MarketReplayServer } = {};
let stopping: Promise<never> | undefined;
/** Every way out goes through here: the stack, the replay servers, then exit — no child is left behind. */
function stopAll(code: number): Promise<never> {
  stopping ??= (async () => {
    await running.stack?.stop().catch(() => undefined);
    await running.rpc?.stop().catch(() => undefined);
    await running.market?.stop().catch(() => undefined);
    process.exit(code);
  })();
  return stopping;
}

async function main(): Promise<void> {
  const exitAfter = process.argv.includes('--exit');
  const config = loadConfig({ LOG_LEVEL: 'error', ...process.env });
  const log = createLogger('oof-demo', config.LOG_LEVEL);
  const { transactions, prices } = demoDataset();
  const rpc = new SolanaRpcReplayServer();
  running.rpc = rpc;
  rpc.add(transactions);
  const market = new MarketReplayServer();
  running.market = market;
  for (const [mint, points] of Object.entries(prices)) market.setToken(mint, { decimals: mint === 'So11111111111111111111111111111111111111112' ? 9 : 6, history: points });
  market.setToken('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', { decimals: 6, live: '1' });
  for (const e of demoTokenEntries()) market.tokenEntries.set(e.id, e);
  await rpc.start();
  await market.start();

  console.log(`replay chain: JSON-RPC ${rpc.url} (${rpc.size} transactions), prices ${market.url}\nstarting OOF…`);
  // The live path is on too: a local webhook secret, so POST /webhooks/helius accepts what the demo prints below.
  const webhookAuth = process.env.HELIUS_WEBHOOK_AUTH || 'Bearer oof-demo-webhook-secret';
  const stack = await startStack(config, log, {
    HELIUS_WEBHOOK_AUTH: webhookAuth,
    RPC_PRIMARY: rpc.url, JUPITER_BASE_URL: market.url, PRICE_HISTORY_PROVIDER: 'birdeye', PRICE_HISTORY_BASE_URL: market.url, PRICE_HISTORY_API_KEY: 'demo',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', TEMPORAL_LOG_LEVEL: 'ERROR',
  }, () => void stopAll(1));
  running.stack = stack;
  console.log(`gateway ${stack.gatewayUrl} · Temporal UI ${stack.temporalUiUrl ?? stack.temporalAddress}\n`);
  console.log(`analysing the demo wallets (made up; real prices):\n  paper hands ${DEMO_WALLETS.paperHands}\n  bag holder  ${DEMO_WALLETS.bagHolder}\n`);
  const outcome = await analyze({ gateway: stack.gatewayUrl, wallets: Object.values(DEMO_WALLETS), follow: true, json: false, out: { write: () => true } as any });

  // Each card, fetched through the public card route, saved where the table points.
  const dir = path.resolve(config.DATA_DIR, 'demo-cards');
  await mkdir(dir, { recursive: true });
  const paths: Record<string, string> = {};
  for (const m of outcome.moments) {
    const res = await fetch(`${stack.gatewayUrl}${m.cardUrl}`);
    const file = path.join(dir, `${m.kind}-${m.id}.png`);
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    paths[m.id] = path.relative(process.cwd(), file);
  }
  console.log(`\n${momentTable(outcome.moments, stack.gatewayUrl, paths)}\n`);
  const kinds = new Set(outcome.moments.map((m) => m.kind));
  console.log(`${outcome.moments.length} moments (${[...kinds].sort().join(', ')}) · analysis ${outcome.analysisId} ${outcome.status}`);
  if (exitAfter) return stopAll(kinds.size === 4 ? 0 : 1);
  await mkdir(path.resolve(config.DATA_DIR), { recursive: true });
  console.log(`\n${await liveSwapHowTo(stack.gatewayUrl, webhookAuth, config.DATA_DIR)}`);
  console.log(`\nThe runs stay visible in the Temporal UI (${stack.temporalUiUrl ?? 'external'}): query AnalysisId="${outcome.analysisId}".`);
  console.log(`The web page ${stack.gatewayUrl}/ analyses wallets in the browser (try the two above). Ctrl-C stops everything.`);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
/**
 * A fresh swap of the bag holder as Helius would post it (1,000 USDC into JUP, filled 3 % under the market and so
 * about 4 % under the route the local Jupiter quotes), written beside the demo's data, and the curl that posts it.
 */
async function liveSwapHowTo(gatewayUrl: string, auth: string, dataDir: string): Promise<string> {
  const file = path.resolve(dataDir, 'demo-webhook.json');
  const jup = (1000 / Number(demoJupPrice())) * 0.97;
  const swap = demoLiveSwap(DEMO_WALLETS.bagHolder, bs58.encode(randomBytes(64)), new Date(), 400_000_000, '1000', jup.toFixed(6));
  await writeFile(file, JSON.stringify([swap]));
  const rel = path.relative(process.cwd(), file);
  return [
    `Try the live path — a new swap of the bag holder, posted as Helius posts a webhook (the file holds a swap stamped now;`,
    `a swap older than 10 minutes gets no live quote, so re-run the demo for a fresh one):`,
    `  curl -XPOST ${gatewayUrl}/webhooks/helius -H 'authorization: ${auth}' -H 'content-type: application/json' -d @${rel}`,
    `and follow its BadRoute moment arriving: curl -N '${gatewayUrl}/v1/stream/moments?wallet=${DEMO_WALLETS.bagHolder}'`,
  ].join('\n');
}

main().catch((e) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : e}`);
  return stopAll(1);
});
