// A supporter asks to be forgotten: their personal data goes from every table and from the
// letters kept for them; the counts (actions per campaign, province, riding; letters per status)
// stay. The erasure is recorded: when, by whom, how many rows; never what was erased.
import { canonicalEmail } from './emailAddress';
import { AppError } from './errors';
import type { AuditLog, ErasureStore, MailCopies } from './ports';

export interface ErasureDeps {
  store: ErasureStore;
  copies: MailCopies;
  audit: AuditLog;
}

export async function eraseSupporter(deps: ErasureDeps, rawEmail: string, by: string): Promise<{ rows: Record<string, number> }> {
  if (!rawEmail.includes('@') || /[\u0000-\u001f\u007f]/.test(rawEmail)) throw new AppError('validation_failed', { fields: { email: 'invalid' } });
  const erased = await deps.store.erase(canonicalEmail(rawEmail), by);
  if (!erased) throw new AppError('not_found');
  const files = await deps.copies.forget(erased.copies);
  // Whose data it was is not recorded: the log would otherwise keep what was erased.
  await deps.audit.record({ actor: by, action: 'erase', campaignSlug: null, detail: {} });
  return { rows: { ...erased.rows, outbox_files: files } };
}
