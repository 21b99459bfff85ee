// Signing in to the dashboard: ask for an emailed link (the same answer whether or not the
// address has an account), open it to a page whose button signs in (POST: a mail scanner that
// follows the link signs nobody in), and out: of this session, or of every session of this
// account. While no account exists, the operator's ADMIN_TOKEN makes the first owner.
import express, { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { PageRenderer } from '../../adapters/pages';
import type { Logger } from '../../adapters/logger';
import { AppError } from '../../domain/errors';
import { createFirstOwner, redeemSignInLink, requestSignInLink, SIGN_IN_LINK_MINUTES, type SignInDeps } from '../../domain/signIn';
import type { Sessions } from '../adminAuth';
import { fill } from '../../i18n';
import { httpError } from '../errorCodes';
import { errorMessage } from '../messages';
import { adminLayout, adminLocale, langParams } from './adminLayout';
import { sendPage } from './layout';

interface SignInText {
  title: string;
  linkSent: string;
  linkSentOutbox: string;
  wrongToken: string;
  linkHeading: string;
}

export interface LoginDeps {
  renderer: PageRenderer;
  sessions: Sessions;
  signIn: SignInDeps;
  log: Logger;
  /** No mail service: the link is in the local outbox, and the page says where. */
  outbox: boolean;
  /** Sign-in attempts a minute per address (ADMIN_AUTH_FAILURES_PER_IP_PER_MIN). */
  signInAttemptsPerMinute: number;
}

/** Only paths inside the dashboard: never an open redirect. */
const insideDashboard = (next: unknown): next is string => typeof next === 'string' && /^\/admin(\/|\?|$)/.test(next);

export function loginPages(deps: LoginDeps, form: express.RequestHandler): Router {
  const router = Router();
  const { sessions, renderer } = deps;
  // Guessing the token or a link, or flooding someone's mailbox: a few tries a minute per address.
  // TRUST_PROXY is the operator's to set (README): its check would only repeat that in the logs.
  const limit = (skipSuccessfulRequests: boolean) =>
    rateLimit({ windowMs: 60_000, limit: deps.signInAttemptsPerMinute, skipSuccessfulRequests, standardHeaders: 'draft-8', legacyHeaders: false, validate: { trustProxy: false } });
  // Links asked for (each may send an email) count; a token or a link counts when it fails.
  const askLimit = limit(false);
  const loginLimit = limit(true);
  const text = (req: express.Request) => renderer.text(adminLocale(req)).admin as { signIn: SignInText };
  const page = async (req: express.Request, status: number, model: Record<string, unknown>, res: express.Response) => {
    const locale = adminLocale(req);
    const firstStart = !(await deps.signIn.accounts.anyAccount());
    const body = renderer.render('admin/login', locale, { next: '/admin', ...langParams(req), firstStart, ...model, layout: adminLayout(renderer, req, locale, text(req).signIn.title) });
    sendPage(res, status, body);
  };
  const nextOf = (req: express.Request) => {
    const next = (req.body as { next?: unknown } | undefined)?.next ?? req.query.next;
    return insideDashboard(next) ? next : '/admin';
  };

  router.get('/admin/login', async (req, res) => {
    if (!sessions.configured) throw httpError('admin_not_configured');
    await page(req, 200, { next: nextOf(req) }, res);
  });

  // The answer does not depend on the address, and the link is sent after it is given, so
  // neither the words nor the time tell whether someone has an account.
  router.post('/admin/login', askLimit, form, async (req, res) => {
    if (!sessions.configured) throw httpError('admin_not_configured');
    const email = String((req.body as { email?: unknown }).email ?? '').trim().slice(0, 254);
    const t = text(req).signIn;
    const sent = [fill(t.linkSent, { email, minutes: SIGN_IN_LINK_MINUTES }), deps.outbox ? t.linkSentOutbox : ''].filter(Boolean).join(' ');
    await page(req, 200, { email, sent }, res);
    requestSignInLink(deps.signIn, email, adminLocale(req)).catch((error: unknown) => deps.log.warn({ err: (error as Error).message }, 'a sign-in link could not be made'));
  });

  // The first start: the ADMIN_TOKEN makes its holder the first owner, while nobody has an account.
  router.post('/admin/login/first-owner', loginLimit, form, async (req, res) => {
    if (!sessions.configured) throw httpError('admin_not_configured');
    const { email, token } = (req.body ?? {}) as Record<string, string | undefined>;
    if (!sessions.isAdminToken(token ?? '')) return page(req, 401, { ownerEmail: email, tokenError: text(req).signIn.wrongToken }, res);
    try {
      await sessions.logIn(res, await createFirstOwner(deps.signIn, email ?? ''));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return page(req, error.code === 'accounts_exist' ? 409 : 400, { ownerEmail: email, tokenError: errorMessage(adminLocale(req), error.code) }, res);
    }
    res.redirect(303, '/admin/accounts');
  });

  // The link from the email: a page with the button. Nothing is used up by opening it.
  router.get('/admin/login/link', async (req, res) => {
    if (!sessions.configured) throw httpError('admin_not_configured');
    const secret = typeof req.query.token === 'string' ? req.query.token.slice(0, 100) : '';
    const usable = secret ? await deps.signIn.accounts.signInLinkUsable(secret) : false;
    const locale = adminLocale(req);
    res.set('Cache-Control', 'no-store');
    sendPage(res, usable ? 200 : 410, renderer.render('admin/signInLink', locale, { secret, usable, ...langParams(req), layout: adminLayout(renderer, req, locale, text(req).signIn.linkHeading) }));
  });

  router.post('/admin/login/link', loginLimit, form, async (req, res) => {
    if (!sessions.configured) throw httpError('admin_not_configured');
    const secret = String((req.body as { token?: unknown }).token ?? '').slice(0, 100);
    let account;
    try {
      account = await redeemSignInLink(deps.signIn, secret);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const locale = adminLocale(req);
      return sendPage(res, 410, renderer.render('admin/signInLink', locale, { usable: false, ...langParams(req), layout: adminLayout(renderer, req, locale, text(req).signIn.linkHeading) }));
    }
    await sessions.logIn(res, account);
    res.redirect(303, `/admin${langParams(req).q}`);
  });

  // Ends this session for good: a copy of its cookie no longer works.
  router.post('/admin/logout', sessions.requireSession, form, sessions.requireCsrf, async (req, res) => {
    await sessions.logOut(req, res);
    res.redirect(303, '/admin/login');
  });

  // A lost laptop: every session of this account ends, this one too.
  router.post('/admin/logout-everywhere', sessions.requireSession, form, sessions.requireCsrf, async (req, res) => {
    await sessions.logOutEverywhere(req, res);
    res.redirect(303, '/admin/login');
  });
  return router;
}
