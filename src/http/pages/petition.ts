// A petition's page: the case, the petition's letter in full, the counter and the Sign form (no
// MP step, no paragraph of one's own).
import type { Campaign, Locale } from '../../domain/campaign';
import { petitionContext } from '../../domain/letters';
import type { Clock, LetterRenderer } from '../../domain/ports';
import type { FormStamps } from '../../adapters/formStamps';
import type { PageRenderer } from '../../adapters/pages';
import { campaignModel, fieldModels, formErrors, type FormState , sourceFields } from './formModel';
import { layout } from './layout';

interface PetitionText {
  skipToForm: string;
  sign: string;
  signing: string;
  emailHint: string;
  emailHintConfirm: string;
  postalCodeHint: string;
  tryAgain: string;
}

export interface PetitionPageDeps {
  renderer: PageRenderer;
  letters: LetterRenderer;
  clock: Clock;
  stamps: FormStamps;
}

export function petitionPage(deps: PetitionPageDeps, campaign: Campaign, locale: Locale, actions: number, form: FormState, url: string): string {
  const text = deps.renderer.text(locale);
  const p = text.petition as PetitionText;
  const letter = deps.letters.renderPetition(campaign, locale, petitionContext(campaign, locale, deps.clock.now()));
  const { fieldErrors, errorList, firstInvalid } = formErrors(locale, form.error, form.error?.code === 'try_again' ? p.tryAgain : undefined);
  const fields = fieldModels(text.form, form, fieldErrors, firstInvalid, {
    email: campaign.confirm ? p.emailHintConfirm : p.emailHint,
    postalCode: p.postalCodeHint,
  });
  return deps.renderer.render('petition', locale, {
    campaign: campaignModel(text, campaign, locale, actions),
    petition: { subject: letter.subject, text: letter.text },
    shownAt: deps.stamps.issue(),
    form: { fields, values: { ...form.values, consentUpdates: form.consentUpdates }, errorList, hidden: sourceFields(form) },
    layout: layout(deps.renderer, locale, {
      title: campaign.title[locale],
      campaign,
      url,
      skipTarget: 'form-title',
      skipLabel: p.skipToForm,
      pageData: { page: 'petition', lang: locale, text: { sign: p.sign, signing: p.signing } },
    }),
  });
}
