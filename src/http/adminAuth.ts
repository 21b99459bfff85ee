// Who is acting on the campaigners' side, and what they may do. The API takes a bearer token:
// the operator's ADMIN_TOKEN (an owner's rights, for scripts and the first start) or an account's
// personal API token (that account's role); a few wrong tries a minute per address, then 429 for
// a while. The dashboard keeps a signed-in account's session in the database (so logging out ends
// it, and removing the account ends all of its sessions), held in a signed, HttpOnly,
// SameSite=Strict cookie; its forms carry a CSRF token tied to that session. Cookies are signed
// with a key derived from ADMIN_TOKEN, so changing it signs everyone out too. Routes name the
// permission they need (`allow`); the table of who may is domain/permissions.ts.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import type { Allowance } from '../adapters/rateCounter';
import type { AdminSessionStore } from '../adapters/store/adminSessionsRepo';
import { API_TOKEN_PREFIX, secretHash } from '../adapters/store/accountsRepo';
import { AppError } from '../domain/errors';
import { asCampaigner, demand, nameOf, type Campaigner, type Permission } from '../domain/permissions';
import type { Account, AccountStore } from '../domain/ports';
import { httpError } from './errorCodes';
import { visitorOf } from './rateLimits';

export const SESSION_COOKIE = 'dearmp_admin';
const SESSION_HOURS = 8;

export interface AdminSession {
  campaigner: Extract<Campaigner, { kind: 'account' }>;
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

type WithCampaigner = Request & { admin?: AdminSession; campaigner?: Campaigner };

/**
 * For /api/admin/*: the admin token or a live account's API token, or 401; no admin token
 * configured, 503. Wrong tokens are counted per address: past the allowance every try is refused
 * (429), the right token included, so guessing cannot go on.
 */
export function requireBearer(adminToken: string | undefined, failures: Allowance, accounts: Pick<AccountStore, 'accountOfApiToken'>): RequestHandler {
  return (req, _res, next) => {
    if (!adminToken) return next(httpError('admin_not_configured'));
    const visitor = visitorOf(req);
    failures.wait(visitor).then(async (wait) => {
      if (wait !== null) return next(new AppError('rate_limited', { retryAfterSeconds: wait }));
      const given = bearerOf(req);
      if (given && sameSecret(given, adminToken)) {
        (req as WithCampaigner).campaigner = { kind: 'token' };
        return next();
      }
      const account = given?.startsWith(API_TOKEN_PREFIX) ? await accounts.accountOfApiToken(given) : null;
      if (account) {
        (req as WithCampaigner).campaigner = asCampaigner(account);
        return next();
      }
      await failures.spend(visitor).catch(() => undefined);
      next(httpError('unauthorized'));
    }, next);
  };
}

/** Who is acting: the dashboard's signed-in account, or the API's bearer. */
export function campaignerOf(req: Request): Campaigner {
  const r = req as WithCampaigner;
  const who = r.admin?.campaigner ?? r.campaigner;
  if (!who) throw httpError('unauthorized');
  return who;
}

/** A route that needs this permission: 403 `forbidden` for a role without it. */
export const allow =
  (permission: Permission): RequestHandler =>
  (req, _res, next) => {
    demand(campaignerOf(req), permission);
    next();
  };

/** For /metrics: the metrics token or the admin token, or 401. */
export function requireMetricsToken(tokens: Array<string | undefined>): RequestHandler {
  const accepted = tokens.filter((t): t is string => !!t);
  return (req, _res, next) => {
    const given = bearerOf(req);
    next(given && accepted.some((token) => sameSecret(given, token)) ? undefined : httpError('unauthorized'));
  };
}

/** Who did it, for the records (publishing, exports, erasures…): the account's email, or "admin token". */
export const actor = (req: Request): string => nameOf(campaignerOf(req));


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
    const idHash = secretHash(secret);
    const account = await store.find(idHash);
    return account ? { campaigner: asCampaigner(account), name: account.email, csrf: sign(`csrf:${secret}`), idHash } : null;
  }

  return {
    configured: key !== null,
    /** Whether this is the operator's ADMIN_TOKEN (the first start's sign-in). */
    isAdminToken: (token: string): boolean => !!adminToken && sameSecret(token, adminToken),
    /** Starts a session for this account and sets its cookie. */
    async logIn(res: Response, account: Account): Promise<void> {
      const secret = randomBytes(24).toString('base64url');
      await store.create(secretHash(secret), account, new Date(Date.now() + SESSION_HOURS * 3600_000));
      res.append('Set-Cookie', cookie(`${secret}.${sign(secret)}`, SESSION_HOURS * 3600));
    },
    /** Ends this session for good (a copy of its cookie no longer works) and clears the cookie. */
    async logOut(req: Request, res: Response): Promise<void> {
      const session = (req as Request & { admin?: AdminSession }).admin;
      if (session) await store.revoke(session.idHash);
      res.append('Set-Cookie', cookie('', 0));
    },
    /** Ends every session of this account (a lost laptop), this one included. */
    async logOutEverywhere(req: Request, res: Response): Promise<number> {
      const session = (req as WithCampaigner).admin;
      const ended = session ? await store.revokeAll(session.campaigner.id) : 0;
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
