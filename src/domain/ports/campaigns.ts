// Campaigns as the use cases read them: the catalogue of definitions, each one's current state
// (and the campaigners' switches behind it), and the letter renderer.
import type { Campaign, CampaignStatus, Locale } from '../campaign';
import type { CampaignState, CampaignSwitch } from '../campaignLifecycle';
import type { LetterContext, PetitionContext, PetitionLetter, RenderedLetter } from '../letters';

export interface CampaignCatalog {
  /** Throws AppError `campaign_not_found`. */
  get(slug: string): Campaign;
  list(): Campaign[];
}

/** The campaigners' switches, as stored. */
export interface CampaignSwitches {
  latest(slug: string): Promise<CampaignSwitch | null>;
  record(slug: string, status: CampaignStatus, by: string): Promise<void>;
}

/** What the rest of the service asks: the state of one campaign now (cached by the adapter). */
export interface CampaignStates {
  of(campaign: Campaign): Promise<CampaignState>;
}

/**
 * A campaign as a given published version wrote it: a letter written later (its MP found after a
 * Represent outage) uses the version its action was taken on, not whatever is published now.
 */
export interface CampaignVersionsAt {
  /** `null` (an action from before versions were recorded): the version published now. */
  at(slug: string, version: number | null): Promise<{ campaign: Campaign; renderer: LetterRenderer }>;
}

export interface LetterRenderer {
  /** `subjectIndex` picks one of the campaign's subjects, so MP offices do not see a wall of identical ones. */
  render(campaign: Campaign, targetId: string, locale: Locale, context: LetterContext, subjectIndex: number): RenderedLetter;
  /** The petition's letter and title (its first subject), to be followed by the list of signers. */
  renderPetition(campaign: Campaign, locale: Locale, context: PetitionContext): PetitionLetter;
}
