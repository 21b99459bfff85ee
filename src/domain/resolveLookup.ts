// An MP letter was accepted while Represent could not answer. Now it can: find the MP, write
// the letter as it will be sent, and queue it. If Represent still cannot answer, try later.
import type { CampaignCatalog } from './campaign';
import { roleOf } from './campaign';
import { AppError } from './errors';
import type { LetterRenderer } from './letters';
import type { Clock, LetterQueue, LetterStore } from './ports';
import type { RepresentativeFinder } from './representatives';
import { chooseRepresentative } from './representatives';
import { renderLetter } from './composeLetters';

export interface ResolveDeps {
  campaigns: CampaignCatalog;
  representatives: RepresentativeFinder;
  renderer: LetterRenderer;
  letters: LetterStore;
  queue: LetterQueue;
  clock: Clock;
}

export type LookupOutcome =
  | { kind: 'queued' }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped' }
  | { kind: 'unavailable'; retryAfterMs: number | null };

const WHY_NOT: Partial<Record<string, string>> = {
  postal_code_not_found: 'Represent does not know this postal code.',
  district_required: 'The postal code spans several ridings and none was chosen.',
};

export async function resolveLookup(deps: ResolveDeps, letterId: string): Promise<LookupOutcome> {
  const pending = await deps.letters.pendingLookup(letterId);
  if (!pending) return { kind: 'skipped' };
  const campaign = deps.campaigns.get(pending.campaignSlug);

  let mp;
  try {
    mp = chooseRepresentative(await deps.representatives.find(pending.supporter.postalCode), pending.district);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'lookup_unavailable') {
      const retryAfter = error.details.retryAfterSeconds;
      return { kind: 'unavailable', retryAfterMs: retryAfter ? retryAfter * 1000 : null };
    }
    const reason = WHY_NOT[error.code] ?? error.message;
    await deps.letters.move(letterId, 'failed', { reason });
    return { kind: 'failed', reason };
  }

  const recipient = { name: mp.name, role: roleOf({ id: pending.targetId, kind: 'mp' }, pending.locale), district: mp.district, email: mp.email };
  const rendered = renderLetter(deps, campaign, pending.targetId, pending.locale, pending.supporter, pending.message, recipient, mp.district);
  if (!(await deps.letters.resolveLookup(letterId, recipient, rendered))) return { kind: 'skipped' };
  if (!mp.email) {
    const reason = 'Represent lists no email address for this MP.';
    await deps.letters.move(letterId, 'failed', { reason });
    return { kind: 'failed', reason };
  }
  await deps.queue.enqueueDeliveries([letterId]);
  return { kind: 'queued' };
}
