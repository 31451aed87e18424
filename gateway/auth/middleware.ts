import type { Context, Next } from 'koa';
import type { Logger } from '../../lib/logger';
import { Problem } from '../problem';
import type { JwtResult } from './dynamic-jwt';
import { SERVICE_TOKEN_SHAPE, verifyServiceToken } from './service-token';

export type Principal =
  | { role: 'service'; subject: string }
  | { role: 'user' | 'admin'; subject: string; wallets: string[] }
  | { role: 'anonymous'; subject: 'anonymous' };

export interface AuthOptions {
  appSecret: string;
  serviceIds: string[];
  allowAnonymous: boolean;
  log: Logger;
  /** Dynamic.xyz verification; without it user tokens are refused. */
  verifyJwt?: (token: string) => Promise<JwtResult>;
  onDecision?: (method: string, accepted: boolean) => void;
  adminUserIds?: string[];
}

/** The EventSource routes: a browser's EventSource cannot send headers, so only these take `?access_token=`. */
export const QUERY_TOKEN_ROUTES = [/^\/v1\/stream\/moments$/, /^\/v1\/analyses\/[^/]+\/stream$/];

function bearer(ctx: Context): string | undefined {
  const h = ctx.get('authorization');
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  const q = ctx.query.access_token;
  if (q !== undefined && !QUERY_TOKEN_ROUTES.some((r) => r.test(ctx.path))) {
    // A token in a URL ends up in proxies' logs and browser histories: refused where a header can be sent.
    throw new Problem(400, 'Bad Request', 'access_token in the query is accepted only on the EventSource routes; send "Authorization: Bearer <token>"');
  }
  if (m) return m[1];
  return typeof q === 'string' && q ? q : undefined;
}

const unauthorized = (detail: string) =>
  new Problem(401, 'Unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer realm="oof"' });

/** Authenticates the caller and logs every decision (never the token) for the audit trail. */
export function requireAuth(o: AuthOptions) {
  return async (ctx: Context, next: Next) => {
    const token = bearer(ctx);
    const audit = (accepted: boolean, method: string, subject: string | undefined, reason?: string) => {
      o.onDecision?.(method, accepted);
      o.log.info({ audit: 'auth', accepted, method, subject, reason, requestId: ctx.state.requestId, path: ctx.path }, 'auth decision');
    };
    if (!token) {
      if (!o.allowAnonymous) {
        audit(false, 'none', undefined, 'missing_credentials');
        throw unauthorized('send "Authorization: Bearer <token>" (a Dynamic JWT or a service token)');
      }
      audit(true, 'anonymous', 'anonymous');
      ctx.state.principal = { role: 'anonymous', subject: 'anonymous' } satisfies Principal;
      return next();
    }
    if (SERVICE_TOKEN_SHAPE.test(token)) {
      const r = verifyServiceToken(token, { secret: o.appSecret, allowedServices: o.serviceIds });
      if (!r.ok) {
        audit(false, 'service', undefined, r.reason);
        throw unauthorized(`service token rejected: ${r.reason.replace(/_/g, ' ')}`);
      }
      audit(true, 'service', r.serviceId);
      ctx.state.principal = { role: 'service', subject: r.serviceId } satisfies Principal;
      return next();
    }
    if (!o.verifyJwt) {
      audit(false, 'jwt', undefined, 'jwt_not_configured');
      throw unauthorized('user tokens are not accepted: Dynamic JWT verification is not configured (DYNAMIC_ENVIRONMENT_ID)');
    }
    const r = await o.verifyJwt(token);
    if (!r.ok) {
      audit(false, 'jwt', undefined, r.reason);
      throw unauthorized(`token rejected: ${r.reason.replace(/_/g, ' ')}`);
    }
    const role = o.adminUserIds?.includes(r.user.userId) ? 'admin' : 'user';
    audit(true, 'jwt', r.user.userId);
    ctx.state.principal = { role, subject: r.user.userId, wallets: r.user.wallets } satisfies Principal;
    return next();
  };
}
