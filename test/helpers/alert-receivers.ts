import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receipt { kind: 'webhook' | 'discord' | 'telegram'; path: string; headers: http.IncomingHttpHeaders; body: string; json: any; at: number; answered: number }
export interface PlannedAnswer { status: number; headers?: Record<string, string>; body?: unknown }

const isUrl = (s: unknown) => typeof s === 'string' && /^https?:\/\/\S+$/.test(s);

/** Discord's execute-webhook limits (title 256, description 4096, ≤ 25 fields of name 256 / value 1024, 6000 in all). */
function discordProblems(q: URLSearchParams, b: any): string[] {
  const p: string[] = [];
  if (q.get('wait') !== 'true') p.push('wait=true missing');
  if (!b || (!b.content && !Array.isArray(b.embeds))) p.push('content or embeds required');
  const embeds: any[] = b?.embeds ?? [];
  if (embeds.length > 10) p.push('more than 10 embeds');
  let total = 0;
  for (const e of embeds) {
    if (typeof e.title !== 'string' || e.title.length > 256) p.push('embed title missing or > 256');
    if (e.description !== undefined && (typeof e.description !== 'string' || e.description.length > 4096)) p.push('description > 4096');
    if (e.fields && (e.fields.length > 25 || e.fields.some((f: any) => !f.name || !f.value || f.name.length > 256 || f.value.length > 1024))) p.push('bad fields');
    if (e.image && !isUrl(e.image.url)) p.push('image.url is not a URL');
    if (e.url !== undefined && !isUrl(e.url)) p.push('url is not a URL');
    if (e.color !== undefined && !(Number.isInteger(e.color) && e.color >= 0 && e.color <= 0xffffff)) p.push('bad color');
    total += (e.title ?? '').length + (e.description ?? '').length + (e.fields ?? []).reduce((n: number, f: any) => n + f.name.length + f.value.length, 0) + (e.footer?.text ?? '').length;
  }
  if (total > 6000) p.push('embeds longer than 6000 characters');
  return p;
}

/** Bot API sendPhoto/sendMessage as documented: chat_id, photo URL, caption ≤ 1024, text ≤ 4096, a known parse_mode. */
function telegramProblems(method: string, b: any): string[] {
  const p: string[] = [];
  if (b?.chat_id === undefined || !/^(-?\d+|@\w{5,32})$/.test(String(b.chat_id))) p.push('chat not found');
  if (b?.parse_mode !== undefined && !['HTML', 'MarkdownV2', 'Markdown'].includes(b.parse_mode)) p.push('unsupported parse_mode');
  if (method === 'sendPhoto') {
    if (!isUrl(b?.photo)) p.push('wrong remote file identifier specified: photo must be an HTTP URL here');
    if (b?.caption !== undefined && (typeof b.caption !== 'string' || b.caption.length > 1024)) p.push('message caption is too long');
  } else if (method === 'sendMessage') {
    if (typeof b?.text !== 'string' || !b.text || b.text.length > 4096) p.push('message text is empty or too long');
  } else p.push(`method ${method} not found`);
  return p;
}

/**
 * Local stand-ins for the three kinds of destination on 127.0.0.1: any path is a generic webhook, `/api/webhooks/…`
 * answers as Discord does, `/bot<token>/<method>` as the Telegram Bot API does; each checks the documented request
 * shape and refuses what does not match, the way the real service would.
 */
export class AlertReceivers {
  readonly receipts: Receipt[] = [];
  /** Answers to give next, per path prefix, before falling back to success. */
  private readonly plans = new Map<string, PlannedAnswer[]>();
  /** Answers to give forever, per path prefix (a destination that keeps failing). */
  private readonly always = new Map<string, PlannedAnswer>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  plan(pathPrefix: string, ...answers: PlannedAnswer[]): void {
    this.plans.set(pathPrefix, [...(this.plans.get(pathPrefix) ?? []), ...answers]);
  }

  failAlways(pathPrefix: string, answer: PlannedAnswer | undefined): void {
    if (answer) this.always.set(pathPrefix, answer);
    else this.always.delete(pathPrefix);
  }

  to(pathPrefix: string): Receipt[] {
    return this.receipts.filter((r) => r.path.startsWith(pathPrefix));
  }

  private planned(path: string): PlannedAnswer | undefined {
    for (const [prefix, a] of this.always) if (path.startsWith(prefix)) return a;
    for (const [prefix, list] of this.plans) if (path.startsWith(prefix) && list.length) return list.shift();
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://x');
    const kind: Receipt['kind'] = u.pathname.startsWith('/api/webhooks/') ? 'discord' : /^\/bot\d+:[\w-]+\//.test(u.pathname) ? 'telegram' : 'webhook';
    let json: any;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.receipts.push({ kind, path: u.pathname, headers: req.headers, body, json, at: Date.now(), answered: status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload ?? {}));
    };
    if (req.method !== 'POST' || !/^application\/json/.test(req.headers['content-type'] ?? '') || json === undefined) {
      return send(kind === 'telegram' ? 400 : 415, kind === 'telegram' ? { ok: false, error_code: 400, description: 'Bad Request: JSON body expected' } : { message: 'JSON body expected' });
    }
    const planned = this.planned(u.pathname);
    if (planned) return send(planned.status, planned.body ?? {}, planned.headers);
    if (kind === 'discord') {
      const problems = discordProblems(u.searchParams, json);
      if (problems.length) return send(400, { code: 50035, message: `Invalid Form Body: ${problems.join('; ')}` });
      return send(200, { id: String(this.receipts.length + 1), type: 0, channel_id: '1', embeds: json.embeds ?? [], webhook_id: u.pathname.split('/')[3] });
    }
    if (kind === 'telegram') {
      const method = u.pathname.split('/')[2]!;
      const problems = telegramProblems(method, json);
      if (problems.length) return send(400, { ok: false, error_code: 400, description: `Bad Request: ${problems.join('; ')}` });
      return send(200, { ok: true, result: { message_id: this.receipts.length + 1, date: Math.floor(Date.now() / 1000), chat: { id: Number(json.chat_id) || 0, type: 'private' } } });
    }
    return send(200, { received: true });
  }
}
