// /actions/:id/letters/:letterId?token=…: one letter as sent, ready to print, mail or hand in
// when its email did not arrive, with the office's postal address from Represent when known.
import { Router } from 'express';
import { getActionStatus } from '../../domain/actionStatus';
import { AppError } from '../../domain/errors';
import type { ActionStore, CampaignCatalog, OfficeContact } from '../../domain/ports';
import type { PageRenderer } from '../../adapters/pages';
import { param } from '../requestParts';
import { layout, pageLocale, sendPage } from './layout';

export interface PrintLetterDeps {
  renderer: PageRenderer;
  campaigns: CampaignCatalog;
  actions: ActionStore;
  /** How else to reach the office a letter went to (the postal-code directory). */
  contacts(letterId: string): Promise<OfficeContact[]>;
}

export function printLetterPages(deps: PrintLetterDeps): Router {
  const router = Router();
  router.get('/actions/:id/letters/:letterId', async (req, res) => {
    const action = await getActionStatus(deps.actions, param(req.params.id), req.query.token);
    const letter = action.letters.find((l) => l.id === param(req.params.letterId));
    if (!letter?.text) throw new AppError('not_found');
    const campaign = deps.campaigns.get(action.campaignSlug);
    const locale = pageLocale(req.query, undefined, [action.locale, ...campaign.locales]);
    const postal = (await deps.contacts(letter.id)).map((c) => c.postal).filter((p): p is string => !!p);
    const heading = letter.subject ?? campaign.title[locale];
    sendPage(
      res,
      200,
      deps.renderer.render('printLetter', locale, {
        to: letter.recipient.name ? `${letter.recipient.name}, ${letter.recipient.role}` : letter.recipient.role,
        addresses: postal,
        subject: letter.subject,
        text: letter.text,
        layout: layout(deps.renderer, locale, { title: heading, campaign, url: req.originalUrl, skipTarget: 'letter-title', skipLabel: heading }),
      }),
    );
  });
  return router;
}
