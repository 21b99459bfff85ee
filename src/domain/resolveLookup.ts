// An office letter waits for its holder: Represent could not answer when the supporter acted, or
// the legislature's election is over and whoever is elected now gets it. Now: find the holder,
// write the letter as it will be sent (from the campaign version the supporter acted on, even if
// a newer one was published meanwhile), and queue it. If Represent still cannot answer, try
// later; if the legislature is dissolved (again), wait for its election.
import { officeOf } from './campaign';
import { renderLetter, thanksTemplate } from './composeLetters';
import { NO_EMAIL_REASON } from './mpLookup';
import { freshAfterElections } from './elections';
import { heldForElection, holdersFor, letterForHolder } from './officeHolders';
import type { CampaignVersionsAt, Clock, LegislatureStore, LetterQueue, LetterStore, RepresentativeFinder } from './ports';

export interface ResolveDeps {
  versions: CampaignVersionsAt;
  representatives: RepresentativeFinder;
  letters: LetterStore;
  queue: LetterQueue;
  clock: Clock;
  legislatures: Pick<LegislatureStore, 'dissolved' | 'sittingSince'>;
}

export type LookupOutcome =
  | { kind: 'queued' }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped' }
  | { kind: 'held'; reason: string }
  | { kind: 'unavailable'; retryAfterMs: number | null };

/** Why an office letter cannot be written, for its history. */
const UNKNOWN_CODE = 'Represent does not know this postal code.';
const CHOOSE_RIDING = 'The postal code spans several ridings and none was chosen.';

export async function resolveLookup(deps: ResolveDeps, letterId: string): Promise<LookupOutcome> {
  const pending = await deps.letters.pendingLookup(letterId);
  if (!pending) return { kind: 'skipped' };
  const { campaign, renderer } = await deps.versions.at(pending.campaignSlug, pending.campaignVersion);
  const target = campaign.targets.find((t) => t.id === pending.targetId);
  const spec = target ? officeOf(target) : null;
  if (!target || !spec) {
    const reason = 'The campaign no longer has this letter’s target.';
    await deps.letters.move(letterId, 'failed', { reason });
    return { kind: 'failed', reason };
  }
  const held = pending.legislature ? (await deps.legislatures.dissolved()).get(pending.legislature) : undefined;
  if (held) {
    const reason = heldForElection(held);
    await deps.letters.move(letterId, 'awaiting_election', { reason });
    return { kind: 'held', reason };
  }

  // After an election, only an answer fetched since will name the members now elected.
  const sinceSitting = freshAfterElections(await deps.legislatures.sittingSince(), [pending.legislature]);
  const freshAfter = [pending.freshAfter, sinceSitting].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const answer = await deps.representatives.find(pending.supporter.postalCode, { freshAfter });
  if (answer.kind === 'unavailable') return { kind: 'unavailable', retryAfterMs: answer.retryAfterMs };
  if (answer.kind === 'unknown_code') return fail(deps, letterId, UNKNOWN_CODE);
  // A letter that names its office (a municipal target's mayor or councillor) goes to that office's holder.
  const holders = holdersFor(pending.office && spec.level === 'municipal' ? { ...spec, offices: [pending.office] } : spec, answer.lookup, pending.district);
  if (holders.kind === 'choose_riding') return fail(deps, letterId, CHOOSE_RIDING);
  if (holders.kind === 'none') {
    await deps.letters.move(letterId, 'skipped', { reason: holders.reason });
    return { kind: 'skipped' };
  }

  // A letter is one recipient: an office with several holders (two councillors) gets the first.
  const [holder] = holders.holders;
  const plan = letterForHolder(holder, spec.agree, pending.locale);
  const written = {
    recipient: plan.recipient,
    province: answer.lookup.province,
    office: holder.office,
    lookedUpAt: new Date(answer.lookup.fetchedAt),
  };
  if (plan.kind === 'skip') {
    await deps.letters.resolveLookup(letterId, { ...written, rendered: null, status: 'skipped', reason: plan.reason });
    return { kind: 'skipped' };
  }
  const template = plan.kind === 'thank' ? thanksTemplate(pending.targetId) : pending.targetId;
  const rendered = renderLetter({ renderer, clock: deps.clock }, campaign, template, pending.locale, pending.supporter, pending.message, plan.recipient, holder.district);
  if (plan.kind === 'no_email') {
    await deps.letters.resolveLookup(letterId, { ...written, rendered, status: 'failed', reason: NO_EMAIL_REASON });
    return { kind: 'failed', reason: NO_EMAIL_REASON };
  }
  if (!(await deps.letters.resolveLookup(letterId, { ...written, rendered, status: 'queued', reason: null }))) return { kind: 'skipped' };
  await deps.queue.enqueueDeliveries([letterId]);
  return { kind: 'queued' };
}

async function fail(deps: ResolveDeps, letterId: string, reason: string): Promise<LookupOutcome> {
  await deps.letters.move(letterId, 'failed', { reason });
  return { kind: 'failed', reason };
}
