import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeRequest, ResponseTooLargeError } from '../../adapters/net/safe-request';
import { addressRefusal, checkOutboundUrl, OutboundBlockedError, PRODUCTION_POLICY, type OutboundPolicy } from '../../adapters/net/ssrf-guard';

const TEST_POLICY: OutboundPolicy = { requireHttps: false, allowLoopback: true };

describe('addressRefusal', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '::1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'fc00::1',
    'fd00:ec2::254', 'fe80::1', '::', '64:ff9b::a9fe:a9fe', '2001:db8::1', '198.18.0.1',
  ])('refuses %s in production', (ip) => {
    expect(addressRefusal(ip, PRODUCTION_POLICY)).toBeDefined();
  });

  it.each(['1.1.1.1', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '100.128.0.1'])('allows public %s', (ip) => {
    expect(addressRefusal(ip, PRODUCTION_POLICY)).toBeUndefined();
  });

  it('allows loopback only when the policy says so, and private ranges never', () => {
    expect(addressRefusal('127.0.0.1', TEST_POLICY)).toBeUndefined();
    expect(addressRefusal('::1', TEST_POLICY)).toBeUndefined();
    expect(addressRefusal('10.0.0.1', TEST_POLICY)).toBeDefined();
    expect(addressRefusal('169.254.169.254', TEST_POLICY)).toBeDefined();
  });
});

describe('checkOutboundUrl', () => {
  it('requires https in production and refuses credentials, literal internal addresses and localhost', () => {
    expect(() => checkOutboundUrl('http://example.com/x', PRODUCTION_POLICY)).toThrow(/https only/);
    expect(() => checkOutboundUrl('ftp://example.com/x', TEST_POLICY)).toThrow(OutboundBlockedError);
    expect(() => checkOutboundUrl('https://user:pw@example.com/', PRODUCTION_POLICY)).toThrow(/credentials/);
    expect(() => checkOutboundUrl('https://169.254.169.254/latest/meta-data', PRODUCTION_POLICY)).toThrow(/not a public/);
    expect(() => checkOutboundUrl('https://[::1]/', PRODUCTION_POLICY)).toThrow(/loopback/);
    expect(() => checkOutboundUrl('https://localhost/', PRODUCTION_POLICY)).toThrow(/loopback/);
    expect(() => checkOutboundUrl('not a url', PRODUCTION_POLICY)).toThrow(/not a URL/);
    expect(checkOutboundUrl('https://discord.com/api/webhooks/1/x', PRODUCTION_POLICY).host).toBe('discord.com');
  });
});

describe('safeRequest', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/big') return res.end(Buffer.alloc(64 * 1024));
      if (req.url === '/trickle') {
        // Never idle for long, never done: a receiver that holds a delivery open a byte at a time.
        res.writeHead(200);
        const timer = setInterval(() => res.write('.'), 50);
        res.on('close', () => clearInterval(timer));
        return undefined;
      }
      if (req.url === '/redirect-internal') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
        return res.end();
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, body })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reaches a loopback server only when the policy allows loopback', async () => {
    const ok = await safeRequest(`${base}/x`, { policy: TEST_POLICY, method: 'POST', body: 'hi' });
    expect(JSON.parse(ok.body.toString())).toEqual({ method: 'POST', body: 'hi' });
    await expect(safeRequest(`${base}/x`, { policy: { requireHttps: false, allowLoopback: false } })).rejects.toThrow(OutboundBlockedError);
  });

  it('judges the address a name resolves to at connect time (DNS rebinding)', async () => {
    const port = (server.address() as AddressInfo).port;
    // The name looked public when it was saved; at request time it resolves to loopback.
    const rebinding: OutboundPolicy = {
      requireHttps: false, allowLoopback: false,
      lookup: ((_h: string, _o: unknown, cb: (e: null, a: Array<{ address: string; family: number }>) => void) => cb(null, [{ address: '127.0.0.1', family: 4 }])) as any,
    };
    await expect(safeRequest(`http://hooks.example.com:${port}/x`, { policy: rebinding })).rejects.toThrow(/resolves to a refused address/);
    const resolvesLoopback: OutboundPolicy = { ...rebinding, allowLoopback: true };
    expect((await safeRequest(`http://hooks.example.com:${port}/x`, { policy: resolvesLoopback })).status).toBe(200);
  });

  it('bounds the whole exchange in time, not only the silences between bytes', async () => {
    const started = Date.now();
    await expect(safeRequest(`${base}/trickle`, { policy: TEST_POLICY, timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('checks every redirect hop again and bounds the body', async () => {
    await expect(safeRequest(`${base}/redirect-internal`, { policy: TEST_POLICY, maxRedirects: 2 })).rejects.toThrow(/not a public/);
    expect((await safeRequest(`${base}/redirect-internal`, { policy: TEST_POLICY })).status).toBe(302);
    await expect(safeRequest(`${base}/big`, { policy: TEST_POLICY, maxBytes: 1024 })).rejects.toThrow(ResponseTooLargeError);
  });
});
