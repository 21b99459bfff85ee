// Who may act as a campaigner: the API takes `Authorization: Bearer $ADMIN_TOKEN` (a few wrong
// tries a minute per address, then 429 for a while); the dashboard logs in with the same token
// into a session kept in the database (so logging out ends it, and "sign out everywhere" ends
// them all), held in a signed, HttpOnly, SameSite=Strict cookie; its forms carry a CSRF token
// tied to that session. Cookies are signed with a key derived from the token, so changing
// ADMIN_TOKEN signs everyone out too.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import type { Allowance } from '../adapters/rateCounter';
import type { AdminSessionStore } from '../adapters/store/adminSessionsRepo';
import { AppError } from '../domain/errors';
import { httpError } from './errorCodes';
import { visitorOf } from './rateLimits';

export const SESSION_COOKIE = 'dearmp_admin';
const SESSION_HOURS = 8;

export interface AdminSession {
  name: string;
  csrf: string;
  /** The session's own key (the hash of its secret): what logging out revokes. */
  idHash: string;
}

/** Compares secrets in constant time, whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const bearerOf = (req: Request): string | null => /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1].trim() ?? null;

/**
 * For /api/admin/*: a bearer token, or 401; no token configured, 503. Wrong tokens are counted
 * per address: past the allowance every try is refused (429), the right token included, so
 * guessing cannot go on.
 */
export function requireBearer(adminToken: string | undefined, failures: Allowance): RequestHandler {
  return (req, _res, next) => {
    if (!adminToken) return next(httpError('admin_not_configured'));
    const visitor = visitorOf(req);
    failures.wait(visitor).then(async (wait) => {
      if (wait !== null) return next(new AppError('rate_limited', { retryAfterSeconds: wait }));
      const given = bearerOf(req);
      if (given && sameSecret(given, adminToken)) return next();
      await failures.spend(visitor).catch(() => undefined);
      next(httpError('unauthorized'));
    }, next);
  };
}

/** For /metrics: the metrics token or the admin token, or 401. */
export function requireMetricsToken(tokens: Array<string | undefined>): RequestHandler {
  const accepted = tokens.filter((t): t is string => !!t);
  return (req, _res, next) => {
    const given = bearerOf(req);
    next(given && accepted.some((token) => sameSecret(given, token)) ? undefined : httpError('unauthorized'));
  };
}

/** Who did it, for the records (erasures, retries): the dashboard user's name, or the API caller's X-Admin-Name. */
export const actor = (req: Request): string =>
  (req as Request & { admin?: AdminSession }).admin?.name ?? (req.get('x-admin-name')?.slice(0, 100) || 'api token');

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function sessions(adminToken: string | undefined, secureCookie: boolean, store: AdminSessionStore) {
  const key = adminToken ? createHmac('sha256', adminToken).update('dearmp admin session').digest() : null;
  const sign = (payload: string) => createHmac('sha256', key as Buffer).update(payload).digest('base64url');
  const cookie = (value: string, maxAge: number) =>
    serializeCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: '/admin', maxAge });

  async function read(req: Request): Promise<AdminSession | null> {
    if (!key) return null;
    const raw = parseCookies(req.get('cookie') ?? '')[SESSION_COOKIE];
    const [secret, signature] = raw?.split('.') ?? [];
    if (!secret || !signature || !sameSecret(signature, sign(secret))) return null;
    const idHash = hashOf(secret);
    const live = await store.find(idHash);
    return live ? { name: live.name, csrf: sign(`csrf:${secret}`), idHash } : null;
  }

  return {
    configured: key !== null,
    /** Checks the token typed on the login page; starts a session and sets its cookie. */
    async logIn(res: Response, token: string, name: string): Promise<boolean> {
      if (!adminToken || !sameSecret(token, adminToken)) return false;
      const secret = randomBytes(24).toString('base64url');
      await store.create(hashOf(secret), name.trim().slice(0, 100) || 'campaigner', new Date(Date.now() + SESSION_HOURS * 3600_000));
      res.append('Set-Cookie', cookie(`${secret}.${sign(secret)}`, SESSION_HOURS * 3600));
      return true;
    },
    /** Ends this session for good (a copy of its cookie no longer works) and clears the cookie. */
    async logOut(req: Request, res: Response): Promise<void> {
      const session = (req as Request & { admin?: AdminSession }).admin;
      if (session) await store.revoke(session.idHash);
      res.append('Set-Cookie', cookie('', 0));
    },
    /** Ends every session, this one included. */
    async logOutEverywhere(res: Response): Promise<number> {
      const ended = await store.revokeAll();
      res.append('Set-Cookie', cookie('', 0));
      return ended;
    },
    /** Pages: no session → the login page. */
    requireSession: ((req, res, next) => {
      if (!key) return next(httpError('admin_not_configured'));
      read(req).then((session) => {
        if (!session) return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
        (req as Request & { admin?: AdminSession }).admin = session;
        next();
      }, next);
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
