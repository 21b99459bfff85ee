// Storing and reading a supporter's action (their letters inside it), and the public counter.
import type { Locale } from '../campaign';
import type { LetterStatus } from '../letterStatus';
import type { Level } from '../offices';
import type { ActionSource } from '../sources';
import type { Recipient, RenderedLetter, SupporterDetails } from '../letters';

export interface ConsentRecord {
  purpose: 'send_letter' | 'updates';
  granted: boolean;
  /** The exact words shown to the supporter. */
  wording: string;
  locale: Locale;
  pageUrl: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface NewLetter {
  id: string;
  targetId: string;
  recipient: Recipient | null;
  /** The role shown while the recipient is still unknown (awaiting lookup). */
  role: string;
  rendered: RenderedLetter | null;
  status: Extract<LetterStatus, 'queued' | 'awaiting_lookup' | 'awaiting_confirmation' | 'awaiting_election' | 'failed' | 'skipped'>;
  reason: string | null;
  /** The elected office it goes to; null for a fixed person. */
  office: LetterOffice | null;
}

export interface LetterOffice {
  level: Level;
  /** Represent's elected_office, once the holder is known. */
  office: string | null;
  /** What a dissolution holds it on ("federal", "provincial:ON"); null for a municipal office. */
  legislature: string | null;
  /** When Represent gave the answer it was written from. */
  lookedUpAt: Date | null;
}

export interface NewAction {
  id: string;
  token: string;
  campaignSlug: string;
  locale: Locale;
  supporter: SupporterDetails;
  /** canonicalEmail(supporter.email): how the same person is recognised. */
  emailKey: string;
  message: string | null;
  /** The riding as Represent gave it; null until it does. */
  district: string | null;
  /** What the supporter typed or picked while Represent could not answer: to choose among its ridings later. */
  districtChoice: string | null;
  /** The published campaign version it was written from (null for a campaign not yet versioned). */
  campaignVersion: number | null;
  /** A petition signature whose riding Represent could not give yet. */
  districtPending: boolean;
  /** Set when the campaign asks supporters to confirm by email: the secret of the link, and when it lapses. */
  confirmation: { token: string; expiresAt: Date } | null;
  consents: ConsentRecord[];
  letters: NewLetter[];
  /** This action's own code, carried by its supporter's share links. */
  referralCode: string;
  /** The code of the share link the action came through, if any. */
  referredBy: string | null;
  source: ActionSource | null;
}

export interface LetterEvent {
  type: string;
  at: Date;
}

export interface StoredLetter {
  id: string;
  recipient: { name: string | null; role: string; district: string | null };
  subject: string | null;
  /** The letter as sent (plain text); null until written. Shown to the supporter only. */
  text: string | null;
  status: LetterStatus;
  /** Why it is where it is, for the campaign team (English); the supporter sees it for a skipped or held letter. */
  reason: string | null;
  updatedAt: Date;
  events: LetterEvent[];
}

export interface StoredAction {
  id: string;
  token: string;
  campaignSlug: string;
  /** The language the supporter acted in: their pages and emails are in it. */
  locale: Locale;
  createdAt: Date;
  /** False while a campaign with `confirm` waits for the supporter to confirm by email. */
  confirmed: boolean;
  letters: StoredLetter[];
  /** The code its supporter's share links carry (null for actions from before share links had one). */
  referralCode: string | null;
}

export interface ActionStore {
  countActions(campaignSlug: string): Promise<number>;
  /** The id of this person's action (by canonical email key) on this campaign. */
  idByEmail(campaignSlug: string, emailKey: string): Promise<string | null>;
  /** Stores supporter, action, consents, letters and their first events in one transaction; null if this email already acted. */
  create(action: NewAction): Promise<StoredAction | null>;
  get(id: string): Promise<StoredAction | null>;
  /** How many confirmed actions came through share links carrying this code. */
  referredBy(referralCode: string): Promise<number>;
  /** Whether this action's supporter agreed to updates and has not withdrawn (any campaign of the organisation). */
  updatesConsent(actionId: string): Promise<{ agreed: boolean; withdrawnAt: Date | null }>;
  /** Withdraws every consent to updates of this action's supporter; returns how many were withdrawn now. */
  withdrawUpdates(actionId: string): Promise<number>;
}

/** The public count of a campaign's confirmed actions. */
export interface CampaignCounter {
  countActions(campaignSlug: string): Promise<number>;
}
