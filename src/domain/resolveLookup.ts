// An MP letter was accepted while Represent could not answer. Now it can: find the MP, write
// the letter as it will be sent (from the campaign version the supporter acted on, even if a
// newer one was published meanwhile), and queue it. If Represent still cannot answer, try later.
import { roleOf } from './campaign';
import { renderLetter } from './composeLetters';
import { lookUpMp, NO_EMAIL_REASON, type MpLookup } from './mpLookup';
import type { CampaignVersionsAt, Clock, LetterQueue, LetterStore, RepresentativeFinder } from './ports';

export interface ResolveDeps {
  versions: CampaignVersionsAt;
  representatives: RepresentativeFinder;
  letters: LetterStore;
  queue: LetterQueue;
  clock: Clock;
}

export type LookupOutcome =
  | { kind: 'queued' }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped' }
  | { kind: 'unavailable'; retryAfterMs: number | null };

/** Why an MP letter cannot be written, for its history. */
const WHY_NOT: Record<Extract<MpLookup, { kind: 'unknown_code' | 'choose_riding' }>['kind'], string> = {
  unknown_code: 'Represent does not know this postal code.',
  choose_riding: 'The postal code spans several ridings and none was chosen.',
};

export async function resolveLookup(deps: ResolveDeps, letterId: string): Promise<LookupOutcome> {
  const pending = await deps.letters.pendingLookup(letterId);
  if (!pending) return { kind: 'skipped' };
  const { campaign, renderer } = await deps.versions.at(pending.campaignSlug, pending.campaignVersion);

  const lookup = await lookUpMp(deps.representatives, pending.supporter.postalCode, pending.district);
  switch (lookup.kind) {
    case 'unavailable':
      return { kind: 'unavailable', retryAfterMs: lookup.retryAfterMs };
    case 'unknown_code':
    case 'choose_riding': {
      const reason = WHY_NOT[lookup.kind];
      await deps.letters.move(letterId, 'failed', { reason });
      return { kind: 'failed', reason };
    }
  }

  const { mp } = lookup;
  const recipient = { name: mp.name, role: roleOf({ id: pending.targetId, kind: 'mp' }, pending.locale), district: mp.district, email: mp.email };
  const rendered = renderLetter({ renderer, clock: deps.clock }, campaign, pending.targetId, pending.locale, pending.supporter, pending.message, recipient, mp.district);
  if (!(await deps.letters.resolveLookup(letterId, recipient, rendered, mp.province))) return { kind: 'skipped' };
  if (lookup.kind === 'no_email') {
    await deps.letters.move(letterId, 'failed', { reason: NO_EMAIL_REASON });
    return { kind: 'failed', reason: NO_EMAIL_REASON };
  }
  await deps.queue.enqueueDeliveries([letterId]);
  return { kind: 'queued' };
}
