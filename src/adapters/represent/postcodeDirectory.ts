// The postal-code directory: every answer Represent gave, with when it was fetched, shared by all
// campaigns and processes (PostgreSQL). It serves a code while the answer is younger than the
// refresh age, and any answer it has while Represent is down or over its limit. It holds postal
// codes and public officeholders only, no supporter: erasure and retention leave it alone.
import { compactPostalCode, type PostalCode } from '../../domain/postalCode';
import type { Db } from '../db';
import type { RepresentPostcode } from './parse';

export interface DirectoryEntry {
  /** Represent's answer as received; null when Represent does not know the code. */
  answer: RepresentPostcode | null;
  fetchedAt: Date;
}

export interface PostcodeDirectory {
  get(postalCode: PostalCode): Promise<DirectoryEntry | null>;
  put(postalCode: PostalCode, entry: DirectoryEntry): Promise<void>;
}

export function postcodeDirectory(db: Db): PostcodeDirectory {
  return {
    async get(postalCode) {
      const { rows } = await db.query<{ answer: RepresentPostcode | null; fetched_at: Date }>(
        'SELECT answer, fetched_at FROM postcode_directory WHERE postal_code = $1',
        [compactPostalCode(postalCode)],
      );
      return rows[0] ? { answer: rows[0].answer, fetchedAt: rows[0].fetched_at } : null;
    },
    async put(postalCode, entry) {
      // A slower process's older answer never replaces a newer one.
      await db.query(
        `INSERT INTO postcode_directory (postal_code, answer, fetched_at) VALUES ($1, $2, $3)
         ON CONFLICT (postal_code) DO UPDATE SET answer = EXCLUDED.answer, fetched_at = EXCLUDED.fetched_at
          WHERE postcode_directory.fetched_at < EXCLUDED.fetched_at`,
        [compactPostalCode(postalCode), entry.answer === null ? null : JSON.stringify(entry.answer), entry.fetchedAt],
      );
    },
  };
}
