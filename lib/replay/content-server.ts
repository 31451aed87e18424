import http from 'node:http';
import { closeNow, listenOnLoopback } from './loopback';

export interface ContentFile { body: Buffer | string; type?: string; status?: number }

/**
 * An IPFS / Arweave gateway (or any static host) on 127.0.0.1: serves fixed files by path with the content type they
 * were given, so token metadata JSON and logos can be fetched through the same code as in production. Counts requests.
 */
export class ContentReplayServer {
  readonly files = new Map<string, ContentFile>();
  readonly calls: Record<string, number> = {};
  private server?: http.Server;
  url = '';

  /** `path` like /ipfs/<cid> or /<arweave id>. */
  set(path: string, file: ContentFile): void {
    this.files.set(path, file);
  }

  get total(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.calls[path] = (this.calls[path] ?? 0) + 1;
      const f = this.files.get(path);
      if (!f) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html>404 Not Found</html>');
        return;
      }
      res.writeHead(f.status ?? 200, f.type ? { 'content-type': f.type } : {}).end(f.body);
    });
    this.url = await listenOnLoopback(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    await closeNow(this.server);
  }
}
