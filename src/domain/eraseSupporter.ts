// A supporter asks to be forgotten: their personal data goes from every table and from the
// letters kept for them; the counts (actions per campaign, province, riding; letters per status)
// stay. The erasure is recorded: when, by whom, how many rows; never what was erased.
import { canonicalEmail } from './emailAddress';
import { AppError } from './errors';

export interface ErasureStore {
  /** Erases in one transaction the supporter with this canonical email key; null when there is none. */
  erase(emailKey: string, by: string): Promise<{ rows: Record<string, number>; copies: string[] } | null>;
}

export interface ErasureDeps {
  store: ErasureStore;
  /** Removes copies kept outside the database (the local outbox's .eml files); returns how many. */
  forgetCopies(copies: string[]): Promise<number>;
}

export async function eraseSupporter(deps: ErasureDeps, rawEmail: string, by: string): Promise<{ rows: Record<string, number> }> {
  if (!rawEmail.includes('@') || /[\u0000-\u001f\u007f]/.test(rawEmail)) throw new AppError('validation_failed', 'Give the email address to erase.', { fields: { email: 'invalid' } });
  const erased = await deps.store.erase(canonicalEmail(rawEmail), by);
  if (!erased) throw new AppError('not_found', 'No supporter has this email address.');
  const files = await deps.forgetCopies(erased.copies);
  return { rows: { ...erased.rows, outbox_files: files } };
}
