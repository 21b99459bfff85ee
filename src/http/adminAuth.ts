// Who may act as a campaigner: the API takes `Authorization: Bearer $ADMIN_TOKEN`; the dashboard
// logs in with the same token into a signed, HttpOnly, SameSite=Strict cookie, and its forms carry
// a CSRF token tied to that session. Sessions are signed with a key derived from the token, so
// changing ADMIN_TOKEN signs everyone out.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { httpError } from './errorCodes';

export const SESSION_COOKIE = 'dearmp_admin';
const SESSION_HOURS = 8;

export interface AdminSession {
  name: string;
  csrf: string;
}

/** Compares secrets in constant time, whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const notConfigured = () =>
  httpError('admin_not_configured');

/** For /api/admin/*: a bearer token, or 401; no token configured, 503. */
export function requireBearer(adminToken: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!adminToken) return next(notConfigured());
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    if (!match || !sameSecret(match[1].trim(), adminToken)) return next(httpError('unauthorized'));
    next();
  };
}

/** Who did it, for the records (erasures, retries): the dashboard user's name, or the API caller's X-Admin-Name. */
export const actor = (req: Request): string =>
  (req as Request & { admin?: AdminSession }).admin?.name ?? (req.get('x-admin-name')?.slice(0, 100) || 'api token');

export function sessions(adminToken: string | undefined, secureCookie: boolean) {
  const key = adminToken ? createHmac('sha256', adminToken).update('dearmp admin session').digest() : null;
  const sign = (payload: string) => createHmac('sha256', key as Buffer).update(payload).digest('base64url');

  function read(req: Request): AdminSession | null {
    if (!key) return null;
    const raw = parseCookies(req.get('cookie') ?? '')[SESSION_COOKIE];
    if (!raw) return null;
    const [payload, signature] = raw.split('.');
    if (!payload || !signature || !sameSecret(signature, sign(payload))) return null;
    try {
      const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { name: string; exp: number; nonce: string };
      if (typeof data.exp !== 'number' || data.exp < Date.now()) return null;
      return { name: data.name, csrf: sign(`csrf:${data.nonce}`) };
    } catch {
      return null;
    }
  }

  return {
    configured: key !== null,
    /** Checks the token typed on the login page; sets the session cookie. */
    logIn(res: Response, token: string, name: string): boolean {
      if (!adminToken || !sameSecret(token, adminToken)) return false;
      const payload = Buffer.from(
        JSON.stringify({ name: name.trim().slice(0, 100) || 'campaigner', exp: Date.now() + SESSION_HOURS * 3600_000, nonce: randomBytes(12).toString('base64url') }),
      ).toString('base64url');
      res.append(
        'Set-Cookie',
        serializeCookie(SESSION_COOKIE, `${payload}.${sign(payload)}`, {
          httpOnly: true,
          sameSite: 'strict',
          secure: secureCookie,
          path: '/admin',
          maxAge: SESSION_HOURS * 3600,
        }),
      );
      return true;
    },
    logOut(res: Response) {
      res.append('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: '/admin', maxAge: 0 }));
    },
    /** Pages: no session → the login page. */
    requireSession: ((req, res, next) => {
      if (!key) return next(notConfigured());
      const session = read(req);
      if (!session) return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
      (req as Request & { admin?: AdminSession }).admin = session;
      next();
    }) as RequestHandler,
    /** State-changing forms: the CSRF token of this session, or 403. */
    requireCsrf: ((req, _res, next) => {
      const session = (req as Request & { admin?: AdminSession }).admin;
      const given = (req.body as { csrf?: unknown } | undefined)?.csrf;
      if (!session || typeof given !== 'string' || !sameSecret(given, session.csrf)) return next(httpError('csrf_failed'));
      next();
    }) as RequestHandler,
  };
}

export type Sessions = ReturnType<typeof sessions>;
