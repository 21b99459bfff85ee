// The delivery bundle of a petition: its letter, written once, followed by every signer (name,
// city, province, riding, date: never an email or an address) and the totals by province and
// riding. The signers are an async stream, read in batches, so 100,000 names never sit in memory.
import type { Campaign, Locale } from './campaign';
import { pickLocale } from './campaign';
import { AppError } from './errors';
import type { PetitionLetter } from './letters';
import { petitionContext } from './letters';
import type { CampaignCatalog, Clock, LetterRenderer } from './ports';
import type { SignatureStore } from './ports';

/** One signature as delivered: what the supporter agreed to hand over, nothing more. */
export interface Signer {
  firstName: string;
  lastName: string;
  city: string | null;
  province: string | null;
  /** The federal riding; null when it was never found. */
  district: string | null;
  signedAt: Date;
}

export interface SignatureTotals {
  signatures: number;
  /** Most signatures first. */
  byProvince: Array<{ province: string | null; signatures: number }>;
  /** Most signatures first. */
  byDistrict: Array<{ district: string | null; province: string | null; signatures: number }>;
}

export interface PetitionBundleDeps {
  campaigns: CampaignCatalog;
  renderer: LetterRenderer;
  signatures: SignatureStore;
  clock: Clock;
}

export interface PetitionBundle {
  campaign: Campaign;
  locale: Locale;
  /** subject = the petition's title; text and html = the letter, dated today. */
  letter: PetitionLetter;
  /** As of the bundle's time: a signature confirmed while the list streams is in neither. */
  totals: SignatureTotals;
  signers: AsyncIterable<Signer>;
  /** When the bundle was made: the letter's date, and the cutoff for totals and list. */
  generatedAt: Date;
}

/** Throws `campaign_not_found`, or `not_a_petition` for a letter campaign. `asked`: the wanted locale (the campaign's first otherwise). */
export async function petitionBundle(deps: PetitionBundleDeps, slug: string, asked: unknown): Promise<PetitionBundle> {
  const campaign = deps.campaigns.get(slug);
  if (campaign.kind !== 'petition') {
    throw new AppError('not_a_petition');
  }
  const locale = pickLocale(campaign, asked);
  const now = deps.clock.now();
  const letter = deps.renderer.renderPetition(campaign, locale, petitionContext(campaign, locale, now));
  const totals = await deps.signatures.totals(campaign.slug, now);
  return { campaign, locale, letter, totals, signers: deps.signatures.signatures(campaign.slug, undefined, now), generatedAt: now };
}
