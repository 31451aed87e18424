import { readFileSync } from 'node:fs';
import { freePort } from '../../lib/temporal-dev-server';
import { spawnEntry, stopProcess } from '../../lib/processes';
import { eventually, testEnv } from '../helpers/env';

/** The local addresses with a socket listening on `port`, from the kernel's tables (what was bound, not what was logged). */
function listeningOn(port: number): string[] {
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'latin1').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [hex, p] = (local ?? '').split(':');
      if (state !== '0A' || !hex || Number.parseInt(p ?? '', 16) !== port) continue; // 0A: LISTEN
      // IPv4 is four little-endian bytes; IPv6 stays hex (no test here binds one).
      found.push(hex.length === 8 ? [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.') : `ipv6:${hex}`);
    }
  }
  return found;
}

/** gateway/main.ts as `npm run gateway` starts it, with HOST unset, its output collected. */
async function startGateway() {
  const port = await freePort();
  const child = spawnEntry('gateway/main.ts', {
    ENVIRONMENT: 'test', DATABASE_URL: testEnv().databaseUrl, TEMPORAL_ADDRESS: testEnv().temporalAddress, PORT: String(port), HOST: '',
    APP_SECRET: 'test-secret-test-secret-test-secret-0123', AUTH_ALLOW_ANONYMOUS: 'true', SHUTDOWN_GRACE_MS: '30000', LOG_LEVEL: 'info',
  }, { silent: true });
  let out = '';
  child.stdout!.on('data', (b) => { out += b; });
  child.stderr!.on('data', (b) => { out += b; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = await eventually(async () => out.split('\n').find((l) => l.includes('"msg":"listening"')), 60_000, 100).catch(async (e) => {
    await stopProcess(child, 1000);
    throw e;
  });
  return { port, child, exited, listening };
}

describe('gateway process: HOST and SIGTERM', () => {
  it('listens on loopback by default outside production', async () => {
    const g = await startGateway();
    try {
      expect(listeningOn(g.port)).toEqual(['127.0.0.1']);
      expect(JSON.parse(g.listening)).toMatchObject({ host: '127.0.0.1', port: g.port });
    } finally {
      await stopProcess(g.child, 1000);
    }
  }, 90_000);

  it('on SIGTERM ends open SSE streams at once with a retry: hint, not after the 30 s grace', async () => {
    const g = await startGateway();
    try {
      const res = await fetch(`http://127.0.0.1:${g.port}/v1/stream/moments`);
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let text = '';
      const decoder = new TextDecoder();
      const first = await reader.read();
      text += decoder.decode(first.value);
      expect(text).toMatch(/^retry: \d+\n\n/);

      const signalled = Date.now();
      g.child.kill('SIGTERM');
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      const endedAfterMs = Date.now() - signalled;
      expect({
        ended: endedAfterMs < 5_000 ? 'at once' : `after ${endedAfterMs} ms`,
        retryHints: text.match(/retry: \d+\n\n/g)?.length, // the first, and the hint sent just before the end
      }).toEqual({ ended: 'at once', retryHints: 2 });
      expect(Number(/retry: (\d+)\n\n$/.exec(text)?.[1])).toBeGreaterThanOrEqual(1000);
      expect(await g.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(15_000);
    } finally {
      await stopProcess(g.child, 1000);
    }
  }, 90_000);
});
