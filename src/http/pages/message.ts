// A page that only says something: a link that does not work, a page that does not exist, or
// what went wrong, with a way back.
import type { ErrorRequestHandler } from 'express';
import type { Locale } from '../../domain/campaign';
import type { Logger } from '../../adapters/logger';
import type { PageRenderer } from '../../adapters/pages';
import { asAppError, httpStatusOf } from '../errorResponse';
import { errorMessage } from '../messages';
import { loggedPath } from '../requestParts';
import { layout, pageLocale, sendPage } from './layout';

export function messagePage(renderer: PageRenderer, locale: Locale, heading: string, url: string, home = { href: `/?lang=${locale}`, label: String(renderer.text(locale).home) }): string {
  return renderer.render('message', locale, {
    heading,
    home,
    layout: layout(renderer, locale, { title: heading, campaign: null, url, skipTarget: 'main', skipLabel: heading }),
  });
}

/** Errors on the supporters' pages are pages too, in their language; a status link or a confirmation link that does not work says so. */
export function pageErrors(renderer: PageRenderer, log: Logger): ErrorRequestHandler {
  return (caught, req, res, _next) => {
    const { error, expected } = asAppError(caught);
    if (!expected) log.error({ err: caught, path: loggedPath(req) }, 'unexpected error on a page');
    const locale = pageLocale({ lang: (req.body as { locale?: string } | undefined)?.locale ?? req.query.lang }, req.get('accept-language'));
    if (error.details.retryAfterSeconds) res.set('Retry-After', String(error.details.retryAfterSeconds));
    const text = renderer.text(locale);
    const notFound = error.code === 'not_found' || error.code === 'campaign_not_found';
    const heading =
      error.code === 'not_found' && req.path.startsWith('/actions/')
        ? String(text.actionNotFound)
        : error.code === 'not_found' && req.path.startsWith('/confirm/')
          ? String((text.confirm as { invalid: string }).invalid)
          : notFound
            ? String(text.notFound)
            : errorMessage(locale, error.code);
    sendPage(res, httpStatusOf(error.code), messagePage(renderer, locale, heading, req.originalUrl));
  };
}
