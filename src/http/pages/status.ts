// The status page behind the supporter's link (GET /actions/:id?token=…), which is also the
// thank-you page right after sending (`new=1`): each letter and where it is, the letters as
// sent, and a way to ask others to act. A petition's signature shows the thanks and the counter.
import { Router } from 'express';
import { MP_ROLE, type Campaign, type Locale } from '../../domain/campaign';
import { getActionStatus, overallStatus } from '../../domain/actionStatus';
import type { ActionStore, CampaignCatalog, CampaignCounter, CampaignStates, StoredAction } from '../../domain/ports';
import type { PageRenderer } from '../../adapters/pages';
import { capitalised, fill } from '../../i18n';
import { param } from '../requestParts';
import { counterModel } from './formModel';
import { otherCampaigns, shareOf, shareSection } from './shareLinks';
import { REFERRALS_SHOWN_FROM, shareUrlOf } from '../../domain/sources';
import { layout, pageLocale, sendPage } from './layout';

export interface StatusPageDeps {
  renderer: PageRenderer;
  campaigns: CampaignCatalog;
  states: CampaignStates;
  actions: ActionStore;
  counter: CampaignCounter;
  publicUrl: string;
  /** No mail service set up (npm start on a fresh machine): letters are written to the outbox, not sent. */
  outbox: boolean;
}

export function statusPages(deps: StatusPageDeps): Router {
  const router = Router();
  router.get('/actions/:id', async (req, res) => {
    const action = await getActionStatus(deps.actions, param(req.params.id), req.query.token);
    const campaign = deps.campaigns.get(action.campaignSlug);
    // The language the supporter acted in, unless the link asks for another: never the browser's
    // guess, so the page, its letters and its words are in one language.
    const locale = pageLocale(req.query, undefined, [action.locale, ...campaign.locales.filter((l) => l !== action.locale)]);
    // A signature shows the public counter; letters show themselves.
    const [count, referred, others] = await Promise.all([
      action.letters.length === 0 ? deps.counter.countActions(campaign.slug) : 0,
      action.referralCode ? deps.actions.referredBy(action.referralCode) : 0,
      otherCampaigns(deps, campaign, locale),
    ]);
    sendPage(res, 200, statusPage(deps, campaign, action, locale, { url: req.originalUrl, thanks: req.query.new === '1' }, count, { referred, others }));
  });
  return router;
}

function statusPage(
  deps: StatusPageDeps,
  campaign: Campaign,
  action: StoredAction,
  locale: Locale,
  links: { url: string; thanks: boolean },
  actions: number,
  shared: { referred: number; others: Array<{ title: string; href: string }> },
): string {
  const text = deps.renderer.text(locale);
  const s = text.status;
  // In outbox mode, "accepted" means written to the outbox: the page must not say "sent".
  const words = deps.outbox ? { ...s.words, ...s.wordsOutbox } : s.words;
  const statusPath = `/actions/${action.id}?token=${encodeURIComponent(action.token)}`;
  const campaignUrl = `${deps.publicUrl}/campaigns/${campaign.slug}?lang=${locale}`;
  const title = campaign.title[locale];
  // Before its holder is known, a letter is to "your MP", "your councillor".
  const toName = (l: StoredAction['letters'][number]) => l.recipient.name ?? (l.recipient.role === MP_ROLE[locale] ? s.toMp : capitalised(l.recipient.role));
  // A petition's signature carries no letters: thanks, the counter and sharing, nothing to follow.
  const isSignature = action.letters.length === 0;
  const signature = isSignature
    ? {
        headingId: links.thanks ? 'thanks-title' : 'status-title',
        heading: links.thanks ? s.signedTitle : `${s.signatureTitle} · ${title}`,
        confirmed: action.confirmed,
        counter: counterModel(text, campaign, locale, actions),
      }
    : null;
  const thanksTitle = action.confirmed ? s.thanksTitle : s.confirmTitle;
  return deps.renderer.render('status', locale, {
    thanks: links.thanks,
    thanksTitle,
    signature,
    awaitingConfirmation: !action.confirmed,
    pending: action.letters.some((l) => l.status === 'awaiting_lookup'),
    campaignTitle: title,
    inProgress: overallStatus(action) === 'in_progress',
    apiUrl: `/api${statusPath}`,
    selfUrl: `${statusPath}&lang=${locale}`,
    statusUrl: `${deps.publicUrl}${statusPath}&lang=${locale}`,
    campaignUrl,
    share: {
      ...shareSection(s, shareOf(s, campaign, locale, isSignature, shareUrlOf(deps.publicUrl, campaign, locale, action.referralCode)), isSignature),
      // Said from a few people on: one or two would point at the friends the supporter told.
      referrals: action.referralCode
        ? shared.referred >= REFERRALS_SHOWN_FROM
          ? fill(isSignature ? s.referredSigned : s.referredWrote, { count: shared.referred })
          : fill(s.referredNotYet, { count: REFERRALS_SHOWN_FROM })
        : null,
      others: shared.others,
    },
    letters: action.letters.map((l) => ({
      id: l.id,
      to: toName(l),
      role: l.recipient.name ? l.recipient.role : null,
      subject: l.subject,
      status: l.status,
      words: l.status === 'skipped' && l.recipient.name ? fill(s.skippedAgrees, { name: l.recipient.name }) : words[l.status],
    })),
    lettersAsSent: action.letters
      .filter((l) => l.text)
      .map((l) => ({ summary: fill(s.showLetter, { name: toName(l) }), subject: l.subject, text: l.text })),
    layout: layout(deps.renderer, locale, {
      title: signature ? `${signature.heading}${links.thanks ? ` · ${title}` : ''}` : links.thanks ? thanksTitle : `${s.title} · ${title}`,
      campaign,
      url: links.url,
      skipTarget: signature ? signature.headingId : 'status-title',
      skipLabel: signature ? signature.heading : s.title,
      pageData: { page: 'status', lang: locale, refreshMs: 5000, text: { words, updated: s.updated, network: text.form.network, copied: s.copied, copyShareLink: s.copyShareLink } },
    }),
  });
}
