import type { Client } from '@temporalio/client';
import { createApp, type GatewayDeps } from '../../gateway/app';
import { listen, type RunningServer } from '../../gateway/server';
import type { CardStore } from '../../adapters/stores/card-store';
import type { MomentFeed } from '../../gateway/streams/moment-feed';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { testLog } from './env';

export interface TestGateway { url: string; server: RunningServer; close(): Promise<void> }

export async function startTestGateway(config: Config, db: Db, temporal: Client, onWebhookStored?: () => void, cardStore?: CardStore, feed?: MomentFeed): Promise<TestGateway> {
  const app = createApp({ config, db, temporal, log: testLog, onWebhookStored, cardStore, feed });
  const server = await listen(app, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${server.port}`, server, close: () => server.close(1000) };
}

/** A gateway on 127.0.0.1 with any dependencies a test wants to see (a logger, a feed, a hub…). */
export async function startGatewayWith(deps: Omit<GatewayDeps, 'log'> & { log?: GatewayDeps['log'] }): Promise<TestGateway> {
  const app = createApp({ log: testLog, ...deps });
  const server = await listen(app, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${server.port}`, server, close: () => server.close(1000) };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
