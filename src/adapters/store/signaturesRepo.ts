// A petition's signatures on PostgreSQL/PGlite, for its delivery bundle: totals in one grouped
// query, the signers in keyset batches (created_at, id), never OFFSET and never all at once.
import type { SignatureTotals, Signer } from '../../domain/petitionBundle';
import type { Db } from '../db';
import type { SignatureStore } from '../../domain/ports';

// Keyset cursors use the exact creation time in microseconds (a JS Date keeps only milliseconds)
// plus the id to break ties, as in adminRepo's export.
const MICROS = `(extract(epoch FROM a.created_at) * 1000000)::bigint`;
const AT_MICROS = (param: string) => `('epoch'::timestamptz + ${param}::bigint * interval '1 microsecond')`;

// Confirmed, not erased, still linked to its supporter (the foreign key keeps the link true),
// confirmed by the cutoff.
const SIGNED = `FROM actions a
  WHERE a.campaign_slug = $1 AND a.confirmed_at IS NOT NULL AND a.erased_at IS NULL AND a.supporter_id IS NOT NULL
    AND ($2::timestamptz IS NULL OR a.confirmed_at <= $2::timestamptz)`;

interface SignatureRow {
  id: string;
  supporter_id: string;
  province: string | null;
  district: string | null;
  created_at: Date;
  micros: string;
}

interface NameRow {
  id: string;
  first_name: string;
  last_name: string;
  city: string | null;
}

const COLLATOR = new Intl.Collator('fr-CA');
/** Unknown (null) last. */
const byName = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : COLLATOR.compare(a, b));

export function signaturesRepo(db: Db): SignatureStore {
  return {
    async totals(slug, confirmedBy): Promise<SignatureTotals> {
      const { rows } = await db.query<{ province: string | null; district: string | null; signatures: number }>(
        `SELECT a.province, a.district, count(*)::int AS signatures ${SIGNED} GROUP BY a.province, a.district`,
        [slug, confirmedBy ?? null],
      );
      const provinces = new Map<string | null, number>();
      for (const row of rows) provinces.set(row.province, (provinces.get(row.province) ?? 0) + row.signatures);
      return {
        signatures: rows.reduce((sum, row) => sum + row.signatures, 0),
        // Most signatures first; equal counts by name, the unknown last.
        byProvince: [...provinces]
          .map(([province, signatures]) => ({ province, signatures }))
          .sort((x, y) => y.signatures - x.signatures || byName(x.province, y.province)),
        byDistrict: rows
          .map((r) => ({ district: r.district, province: r.province, signatures: r.signatures }))
          .sort((x, y) => y.signatures - x.signatures || byName(x.district, y.district) || byName(x.province, y.province)),
      };
    },

    async *signatures(slug, batchSize = 1000, confirmedBy): AsyncGenerator<Signer> {
      let after: { micros: string; id: string } | null = null;
      for (;;) {
        // The batch first, on actions alone (`created_at >=` lets the (campaign_slug, created_at)
        // index start at the cursor), then its names by primary key: one join over the whole
        // campaign per batch would cost as much as the batch itself, batch after batch.
        const result: { rows: SignatureRow[] } = await db.query<SignatureRow>(
          `SELECT a.id, a.supporter_id, a.province, a.district, a.created_at, ${MICROS}::text AS micros
           ${SIGNED}
             AND ($3::text IS NULL OR (a.created_at >= ${AT_MICROS('$3')} AND (a.created_at, a.id) > (${AT_MICROS('$3')}, $4::uuid)))
           ORDER BY a.created_at, a.id LIMIT $5`,
          [slug, confirmedBy ?? null, after?.micros ?? null, after?.id ?? null, batchSize],
        );
        const rows = result.rows;
        if (rows.length === 0) return;
        const names = await db.query<NameRow>('SELECT id, first_name, last_name, city FROM supporters WHERE id = ANY($1::uuid[])', [
          rows.map((r) => r.supporter_id),
        ]);
        const byId = new Map(names.rows.map((n) => [n.id, n]));
        for (const r of rows) {
          // Erased between the two reads: no name left to deliver.
          const name = byId.get(r.supporter_id);
          if (!name) continue;
          yield { firstName: name.first_name, lastName: name.last_name, city: name.city, province: r.province, district: r.district, signedAt: r.created_at };
        }
        if (rows.length < batchSize) return;
        const last = rows[rows.length - 1];
        after = { micros: last.micros, id: last.id };
      }
    },
  };
}
