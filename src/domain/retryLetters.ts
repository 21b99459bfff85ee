// A campaigner retries letters that did not arrive, through the normal path: the letter goes back
// to `queued` (or to the MP lookup, if it never had a usable address) and gets a fresh job.
import { AppError } from './errors';
import type { LetterStatus } from './letterStatus';
import type { AuditLog, CampaignCatalog, LetterQueue, LetterStore } from './ports';
import type { RetryStore } from './ports';

export const RETRYABLE: LetterStatus[] = ['failed', 'bounced', 'dropped'];

export interface RetryDeps {
  store: RetryStore;
  letters: LetterStore;
  queue: LetterQueue;
  audit: AuditLog;
}

export async function retryLetter(deps: RetryDeps, letterId: string, by: string): Promise<{ status: LetterStatus }> {
  const result = await retryOne(deps, letterId, by);
  await deps.audit.record({ actor: by, action: 'retry', campaignSlug: result.campaignSlug, detail: { letter: letterId } });
  return { status: result.status };
}

async function retryOne(deps: RetryDeps, letterId: string, by: string): Promise<{ status: LetterStatus; campaignSlug: string | null }> {
  const info = /^[0-9a-f-]{36}$/i.test(letterId) ? await deps.store.retryInfo(letterId) : null;
  if (!info) throw new AppError('not_found');
  if (!RETRYABLE.includes(info.status) || info.erased || !info.confirmed) {
    throw new AppError('not_retryable');
  }
  const to: LetterStatus = info.hasAddress ? 'queued' : 'awaiting_lookup';
  // Conditional: two campaigners clicking at once retry the letter once.
  if (!(await deps.letters.move(letterId, to, { reason: `retried by ${by}` }))) {
    throw new AppError('not_retryable');
  }
  if (to === 'queued') await deps.queue.ensureDelivery([letterId]);
  else await deps.queue.ensureLookup([letterId]);
  return { status: to, campaignSlug: info.campaignSlug };
}

export async function retryCampaign(deps: RetryDeps, catalog: CampaignCatalog, slug: string, by: string): Promise<{ retried: number }> {
  catalog.get(slug);
  let retried = 0;
  for (const id of await deps.store.retryable(slug, RETRYABLE, 10_000)) {
    try {
      await retryOne(deps, id, by);
      retried += 1;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'not_retryable')) throw error;
    }
  }
  await deps.audit.record({ actor: by, action: 'retry', campaignSlug: slug, detail: { letters: retried } });
  return { retried };
}
