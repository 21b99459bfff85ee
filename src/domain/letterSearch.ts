// Campaigners' view of letters: filtered, newest first, a page at a time (keyset cursor, so a
// campaign of a million letters pages as fast as one of ten); and one letter's whole history.
import { AppError } from './errors';
import type { LetterStatus } from './letterStatus';
import { isLetterStatus } from './letterStatus';
import type { CampaignCatalog } from './ports';
import type { LetterSearchStore } from './ports';

export interface LetterFilters {
  status?: LetterStatus;
  target?: string;
  district?: string;
  from?: Date;
  to?: Date;
}

export interface LetterSummary {
  id: string;
  actionId: string;
  target: string;
  recipient: { name: string | null; role: string; district: string | null; email: string | null };
  subject: string | null;
  status: LetterStatus;
  reason: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  /** When a paced campaign plans to send it (null: as soon as possible, or not planned yet). */
  plannedAt: Date | null;
}

export interface LetterHistory extends LetterSummary {
  campaign: string;
  providerMessageId: string | null;
  events: Array<{ type: string; at: Date; reason: string | null }>;
}

const INVALID = '\u0000invalid';

export const invalidCursor = () => new AppError('validation_failed', { fields: { cursor: 'invalid' } });

export interface LetterQuery {
  status?: unknown;
  target?: unknown;
  district?: unknown;
  from?: unknown;
  to?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

/** Reads the query of GET …/letters; every bad value is a clear 400. */
export function readLetterQuery(query: LetterQuery): { filters: LetterFilters; limit: number; after: string | null } {
  const fields: Record<string, 'invalid'> = {};
  // A filter value is one line of text (NUL and other control characters cannot be stored or matched).
  const str = (v: unknown) => {
    if (typeof v !== 'string' || v.trim() === '') return undefined;
    return /[\u0000-\u001f\u007f]/.test(v) ? INVALID : v.trim();
  };
  const date = (name: string, v: unknown) => {
    const s = str(v);
    if (!s) return undefined;
    const d = new Date(s);
    // Years the database can hold and a campaign can have: 2000 to 2100.
    if (s === INVALID || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 2000 || d.getUTCFullYear() > 2100) fields[name] = 'invalid';
    return d;
  };
  const status = str(query.status);
  if (status && !isLetterStatus(status)) fields.status = 'invalid';
  for (const name of ['target', 'district', 'cursor'] as const) if (str(query[name]) === INVALID) fields[name] = 'invalid';
  const limitText = str(query.limit);
  const limit = limitText ? Number(limitText) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) fields.limit = 'invalid';
  const filters: LetterFilters = {
    status: status as LetterStatus | undefined,
    target: str(query.target),
    district: str(query.district),
    from: date('from', query.from),
    to: date('to', query.to),
  };
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', { fields });
  return { filters, limit, after: str(query.cursor) ?? null };
}

export async function searchLetters(store: LetterSearchStore, catalog: CampaignCatalog, slug: string, query: LetterQuery) {
  catalog.get(slug);
  const { filters, limit, after } = readLetterQuery(query);
  // One extra row says whether there is a next page.
  const rows = await store.list(slug, filters, limit + 1, after);
  const page = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? (page.at(-1)?.cursor ?? null) : null;
  return { letters: page.map(({ cursor: _cursor, ...letter }) => letter), nextCursor };
}

export async function letterHistory(store: LetterSearchStore, letterId: string): Promise<LetterHistory> {
  const history = /^[0-9a-f-]{36}$/i.test(letterId) ? await store.history(letterId) : null;
  if (!history) throw new AppError('not_found');
  return history;
}
