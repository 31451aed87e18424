import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeNow } from './loopback';

export interface StoredTx {
  signature: string;
  slot: number;
  blockTime: number | null;
  err: unknown;
  /** The getTransaction result as the node would return it. */
  result: any;
  addresses: string[];
}

export interface RpcFaults {
  /** Answer this many of the next requests with HTTP 429 + JSON-RPC -32005 (and Retry-After when set). */
  rateLimitNext?: number;
  retryAfterSeconds?: number;
  /** Answer this many of the next requests with -32005 "node is behind" (HTTP 200). */
  nodeBehindNext?: number;
  /** Answer this many of the next requests with HTTP 503 and an HTML body. */
  unavailableNext?: number;
  /** Hold this many of the next requests without answering (the client's timeout must fire). */
  hangNext?: number;
  /** Delay every answer by this many ms. */
  latencyMs?: number;
}

function accountKeys(result: any): string[] {
  const keys = result?.transaction?.message?.accountKeys ?? [];
  const flat: string[] = keys.map((k: any) => (typeof k === 'string' ? k : k.pubkey));
  const la = result?.meta?.loadedAddresses;
  if (la) flat.push(...(la.writable ?? []), ...(la.readonly ?? []));
  return flat;
}

/**
 * A Solana JSON-RPC server on 127.0.0.1 serving a fixed set of real-format transactions with the node's semantics:
 * getSignaturesForAddress (newest first, before/until exclusive, limit ≤ 1000, only transactions naming the
 * address), getTransaction (null for unknown signatures, -32015 for a v0 transaction without
 * maxSupportedTransactionVersion), batches, and injectable faults. Used by the tests and the offline demo.
 */
export class SolanaRpcReplayServer {
  private readonly bySig = new Map<string, StoredTx>();
  private readonly byAddress = new Map<string, StoredTx[]>();
  private server?: http.Server;
  private held: http.ServerResponse[] = [];
  faults: RpcFaults = {};
  /** Accounts by address, as getAccountInfo's `value` in each encoding they are asked in. */
  readonly accounts = new Map<string, { base64?: any; jsonParsed?: any }>();
  /** Helius DAS assets by id (getAsset, getAssetBatch); `dasKey` is the api-key the URL must carry. */
  readonly assets = new Map<string, any>();
  dasKey?: string;
  /** Answer a getAssetBatch naming an unknown id with −32004 for the whole batch (the other documented behaviour). */
  dasBatchFailsOnUnknown = false;
  readonly calls: Record<string, number> = {};
  url = '';

  add(results: any[]): void {
    for (const result of results) {
      const signature = result?.transaction?.signatures?.[0];
      if (typeof signature !== 'string') throw new Error('transaction without signature');
      if (this.bySig.has(signature)) continue;
      const tx: StoredTx = { signature, slot: Number(result.slot), blockTime: result.blockTime ?? null, err: result.meta?.err ?? null, result, addresses: [...new Set(accountKeys(result))] };
      this.bySig.set(signature, tx);
      for (const a of tx.addresses) {
        const list = this.byAddress.get(a) ?? [];
        list.push(tx);
        this.byAddress.set(a, list);
      }
    }
    // Newest first, as the node lists them; ties broken by signature so paging is stable.
    for (const list of this.byAddress.values()) list.sort((a, b) => b.slot - a.slot || (a.signature < b.signature ? -1 : 1));
  }

  get size(): number {
    return this.bySig.size;
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.held = [];
    await closeNow(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const f = this.faults;
    if (f.hangNext && f.hangNext > 0) {
      f.hangNext--;
      this.held.push(res);
      return;
    }
    if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
    if (f.unavailableNext && f.unavailableNext > 0) {
      f.unavailableNext--;
      res.writeHead(503, { 'content-type': 'text/html' }).end('<html>503 Service Temporarily Unavailable</html>');
      return;
    }
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      this.json(res, 200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (f.rateLimitNext && f.rateLimitNext > 0) {
      f.rateLimitNext--;
      const headers: Record<string, string> = f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {};
      this.json(res, 429, { jsonrpc: '2.0', id: Array.isArray(body) ? null : body?.id ?? null, error: { code: -32005, message: 'Too many requests' } }, headers);
      return;
    }
    if (f.nodeBehindNext && f.nodeBehindNext > 0) {
      f.nodeBehindNext--;
      this.json(res, 200, { jsonrpc: '2.0', id: body?.id ?? null, error: { code: -32005, message: 'Node is behind by 42 slots', data: { numSlotsBehind: 42 } } });
      return;
    }
    const isDas = (b: any) => typeof b?.method === 'string' && /^getAsset/.test(b.method);
    if (this.dasKey !== undefined && (Array.isArray(body) ? body.some(isDas) : isDas(body)) && new URL(req.url ?? '/', 'http://x').searchParams.get('api-key') !== this.dasKey) {
      this.json(res, 401, { jsonrpc: '2.0', id: body?.id ?? null, error: { code: -32001, message: 'Unauthorized' } });
      return;
    }
    const answer = Array.isArray(body) ? body.map((b) => this.dispatch(b)) : this.dispatch(body);
    this.json(res, 200, answer);
  }

  private json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
  }

  /** An account in the encoding asked for; base64 is served for jsonParsed when the program has no parser, as nodes do. */
  private account(address: unknown, encoding: unknown): any {
    const a = this.accounts.get(String(address));
    if (!a) return null;
    return (encoding === 'jsonParsed' ? a.jsonParsed ?? a.base64 : a.base64 ?? a.jsonParsed) ?? null;
  }

  private dispatch(req: any): unknown {
    const id = req?.id ?? null;
    const fail = (code: number, message: string) => ({ jsonrpc: '2.0', id, error: { code, message } });
    if (req?.jsonrpc !== '2.0' || typeof req.method !== 'string') return fail(-32600, 'Invalid request');
    this.calls[req.method] = (this.calls[req.method] ?? 0) + 1;
    const params = Array.isArray(req.params) ? req.params : [];
    switch (req.method) {
      case 'getHealth':
        return { jsonrpc: '2.0', id, result: 'ok' };
      case 'getSlot':
        return { jsonrpc: '2.0', id, result: Math.max(0, ...[...this.bySig.values()].map((t) => t.slot)) };
      case 'getSignaturesForAddress': {
        const [address, cfg = {}] = params;
        if (typeof address !== 'string') return fail(-32602, 'Invalid params: address');
        const limit = cfg.limit ?? 1000;
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return fail(-32602, 'Invalid limit; max 1000');
        let list = this.byAddress.get(address) ?? [];
        if (cfg.before) {
          const i = list.findIndex((t) => t.signature === cfg.before);
          list = i >= 0 ? list.slice(i + 1) : [];
        }
        if (cfg.until) {
          const i = list.findIndex((t) => t.signature === cfg.until);
          if (i >= 0) list = list.slice(0, i);
        }
        const result = list.slice(0, limit).map((t) => ({ signature: t.signature, slot: t.slot, err: t.err, memo: null, blockTime: t.blockTime, confirmationStatus: 'finalized' }));
        return { jsonrpc: '2.0', id, result };
      }
      case 'getTransaction': {
        const [signature, cfg = {}] = params;
        const tx = typeof signature === 'string' ? this.bySig.get(signature) : undefined;
        if (!tx) return { jsonrpc: '2.0', id, result: null };
        if (tx.result.version === 0 && cfg.maxSupportedTransactionVersion === undefined) {
          return fail(-32015, 'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0');
        }
        return { jsonrpc: '2.0', id, result: tx.result };
      }
      case 'getAccountInfo': {
        const [address, cfg = {}] = params;
        return { jsonrpc: '2.0', id, result: { context: { apiVersion: '2.0.15', slot: 306340458 }, value: this.account(address, cfg.encoding) } };
      }
      case 'getMultipleAccounts': {
        const [keys, cfg = {}] = params;
        if (!Array.isArray(keys) || keys.length > 100) return fail(-32602, 'Invalid params: at most 100 keys');
        return { jsonrpc: '2.0', id, result: { context: { apiVersion: '2.0.15', slot: 306340458 }, value: keys.map((k: unknown) => this.account(k, cfg.encoding)) } };
      }
      case 'getAsset': {
        const a = this.assets.get(String(req.params?.id));
        return a ? { jsonrpc: '2.0', id, result: a } : fail(-32004, 'The requested asset was not found.');
      }
      case 'getAssetBatch': {
        const ids = req.params?.ids;
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000) return fail(-32602, 'Invalid params: ids (1 to 1000)');
        if (this.dasBatchFailsOnUnknown && ids.some((i: unknown) => !this.assets.has(String(i)))) return fail(-32004, 'One or more assets in the batch were not found.');
        return { jsonrpc: '2.0', id, result: ids.map((i: unknown) => this.assets.get(String(i)) ?? null) };
      }
      default:
        return fail(-32601, 'Method not found');
    }
  }
}
