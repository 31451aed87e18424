export interface ContentGateways {
  /** Base URL an IPFS CID is appended to, e.g. https://ipfs.io/ipfs/ */
  ipfs: string;
  /** Base URL an Arweave transaction id is appended to, e.g. https://arweave.net/ */
  arweave: string;
}

const CID = /^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{50,})$/;
const AR_ID = /^[A-Za-z0-9_-]{43}$/;
const join = (base: string, rest: string) => `${base.replace(/\/+$/, '')}/${rest.replace(/^\/+/, '')}`;

/**
 * The URL to fetch content-addressed metadata and images through: IPFS and Arweave links (ipfs://, ar://, any
 * /ipfs/<cid> path or <cid>.ipfs.<host> subdomain, arweave.net) go through the configured gateways, whatever gateway
 * host was baked into the URI; other URLs are returned unchanged (the SSRF guard judges them). Undefined when unusable.
 */
export function contentUrl(uri: string | undefined, g: ContentGateways): string | undefined {
  const raw = uri?.trim();
  if (!raw) return undefined;
  let m = /^ipfs:\/\/(?:ipfs\/)?([^/?#]+)(.*)$/i.exec(raw);
  if (m && CID.test(m[1]!)) return join(g.ipfs, m[1]! + (m[2] ?? ''));
  m = /^ar:\/\/([^/?#]+)(.*)$/i.exec(raw);
  if (m && AR_ID.test(m[1]!)) return join(g.arweave, m[1]! + (m[2] ?? ''));
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const sub = /^([a-z0-9]+)\.ipfs\./i.exec(url.hostname);
  if (sub && CID.test(sub[1]!)) return join(g.ipfs, sub[1]! + (url.pathname === '/' ? '' : url.pathname));
  const path = /^\/ipfs\/([^/]+)(\/.*)?$/.exec(url.pathname);
  if (path && CID.test(path[1]!)) return join(g.ipfs, path[1]! + (path[2] ?? ''));
  const ar = /^\/([A-Za-z0-9_-]{43})(\/.*)?$/.exec(url.pathname);
  if (/(^|\.)arweave\.net$/i.test(url.hostname) && ar) return join(g.arweave, ar[1]! + (ar[2] ?? ''));
  return url.toString();
}
