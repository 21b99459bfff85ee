// Before an office letter goes, make sure its recipient still holds the office: a letter paced
// for days, or written from a directory answer weeks old, may outlive a by-election or a new
// council. When its lookup is older than the recheck age, the holder is looked up again (from
// the directory when someone else's letter refreshed it, else Represent, within the budget); if
// someone else holds the office now, the letter is written again for them from the same campaign
// version, and its history says so. Represent unable to answer: the letter goes to the holder known.
import { officeOf } from './campaign';
import { renderLetter, thanksTemplate } from './composeLetters';
import { holdersFor, letterForHolder } from './officeHolders';
import { freshAfterElections } from './elections';
import type { CampaignVersionsAt, Clock, LegislatureStore, LetterStore, RepresentativeFinder } from './ports';

export interface RecheckDeps {
  letters: LetterStore;
  legislatures: Pick<LegislatureStore, 'sittingSince'>;
  versions: CampaignVersionsAt;
  representatives: RepresentativeFinder;
  clock: Clock;
  /** A lookup older than this is made again before sending. */
  recheckAfterMs: number;
}

export type RecheckOutcome =
  /** The same holder (or no newer answer to tell): send it as written. */
  | { kind: 'same' }
  /** Written again for the office's new holder: plan its slot again, then send. */
  | { kind: 'changed'; reason: string }
  /** Nobody holds the office now, or its new holder already agrees: no letter. */
  | { kind: 'skipped'; reason: string };

export const needsRecheck = (lookedUpAt: Date | null, now: Date, recheckAfterMs: number): boolean =>
  lookedUpAt !== null && now.getTime() - lookedUpAt.getTime() > recheckAfterMs;

export async function recheckRecipient(deps: RecheckDeps, letterId: string): Promise<RecheckOutcome> {
  const letter = await deps.letters.queuedLetter(letterId);
  if (!letter?.recipient || !letter.level) return { kind: 'same' };
  const { campaign, renderer } = await deps.versions.at(letter.campaignSlug, letter.campaignVersion);
  const target = campaign.targets.find((t) => t.id === letter.targetId);
  const spec = target ? officeOf(target) : null;
  if (!spec) return { kind: 'same' };

  const freshAfter = freshAfterElections(await deps.legislatures.sittingSince(), [letter.legislature]);
  const answer = await deps.representatives.find(letter.supporter.postalCode, { maxAgeMs: deps.recheckAfterMs, freshAfter });
  if (answer.kind !== 'found' || answer.stale) return { kind: 'same' };
  const lookedUpAt = new Date(answer.lookup.fetchedAt);
  // The letter's own office only: a councillor's letter is checked against councillors.
  const holders = holdersFor(letter.office && spec.level === 'municipal' ? { ...spec, offices: [letter.office] } : spec, answer.lookup, letter.district);
  if (holders.kind === 'choose_riding') return { kind: 'same' };
  if (holders.kind === 'none') {
    const reason = `${holders.reason} ${letter.recipient.name} no longer holds the office, so the letter is not sent.`;
    await deps.letters.move(letterId, 'skipped', { reason });
    return { kind: 'skipped', reason };
  }
  const same = holders.holders.find((h) => h.name === letter.recipient!.name);
  if (same) {
    await deps.letters.touchLookup(letterId, lookedUpAt);
    return { kind: 'same' };
  }

  const [holder] = holders.holders;
  const plan = letterForHolder(holder, spec.agree, letter.locale);
  const was = `${letter.recipient.name} no longer holds the office: Represent now lists ${holder.name} (${holder.office}, ${holder.district})`;
  if (plan.kind === 'skip' || plan.kind === 'no_email') {
    const reason = `${was}; ${plan.reason}`;
    await deps.letters.move(letterId, plan.kind === 'skip' ? 'skipped' : 'failed', { reason });
    return { kind: 'skipped', reason };
  }
  const template = plan.kind === 'thank' ? thanksTemplate(letter.targetId) : letter.targetId;
  const rendered = renderLetter({ renderer, clock: deps.clock }, campaign, template, letter.locale, letter.supporter, letter.message, plan.recipient, holder.district);
  const reason = `${was}, so the letter was written again for them.`;
  await deps.letters.rewrite(letterId, { recipient: plan.recipient, rendered, office: holder.office, lookedUpAt, reason });
  return { kind: 'changed', reason };
}
