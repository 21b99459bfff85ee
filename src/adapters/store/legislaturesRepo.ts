// Dissolved and sitting legislatures (PostgreSQL). Every submission and every letter sent asks
// which are dissolved: each process reads that at most once every `ttlMs`, so an owner's switch
// reaches every process within it.
import { legislatureName } from '../../domain/offices';
import type { Legislature, LegislatureStore } from '../../domain/ports';
import type { Db } from '../db';
import { ttlCache } from '../ttlCache';

interface Row {
  id: string;
  status: Legislature['status'];
  election_date: string | null;
  changed_at: Date;
  changed_by: string;
}

const toLegislature = (r: Row): Legislature => ({
  id: r.id, name: legislatureName(r.id, 'en'), status: r.status, electionDate: r.election_date, changedAt: r.changed_at, changedBy: r.changed_by,
});

const COLUMNS = "id, status, to_char(election_date, 'YYYY-MM-DD') AS election_date, changed_at, changed_by";

export function legislaturesRepo(db: Db, ttlMs: number): LegislatureStore & { forget(): void } {
  // One read brings every recorded legislature; both answers are made from it once per read
  // (submissions ask for them every time).
  const recorded = ttlCache(async () => {
    const all = (await db.query<Row>(`SELECT ${COLUMNS} FROM legislatures`)).rows.map(toLegislature);
    return {
      dissolved: new Map(all.filter((l) => l.status === 'dissolved').map((l) => [l.id, l])),
      sittingSince: new Map(all.filter((l) => l.status === 'sitting').map((l) => [l.id, l.changedAt])),
    };
  }, ttlMs);
  return {
    async list() {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM legislatures ORDER BY id`);
      return rows.map(toLegislature);
    },
    dissolved: async () => (await recorded.get('all')).dissolved,
    sittingSince: async () => (await recorded.get('all')).sittingSince,
    async record(id, status, electionDate, by) {
      const { rows } = await db.query<Row>(
        `INSERT INTO legislatures (id, status, election_date, changed_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, election_date = EXCLUDED.election_date, changed_at = now(), changed_by = EXCLUDED.changed_by
         RETURNING ${COLUMNS}`,
        [id, status, electionDate, by],
      );
      recorded.forget();
      return toLegislature(rows[0]);
    },
    async hold(id, reason) {
      const { rows } = await db.query<{ n: number }>(
        `WITH held AS (
           UPDATE letters SET status = 'awaiting_election', status_reason = $2, updated_at = now()
            WHERE legislature = $1 AND status IN ('queued', 'awaiting_lookup')
           RETURNING id
         ), noted AS (
           INSERT INTO letter_events (letter_id, type, reason) SELECT id, 'awaiting_election', $2 FROM held
         )
         SELECT count(*)::int AS n FROM held`,
        [id, reason],
      );
      return rows[0].n;
    },
    async release(id, freshAfter, reason) {
      const { rows } = await db.query<{ id: string }>(
        `WITH released AS (
           UPDATE letters SET status = 'awaiting_lookup', status_reason = NULL, lookup_fresh_after = $2, updated_at = now()
            WHERE legislature = $1 AND status = 'awaiting_election'
           RETURNING id
         )
         INSERT INTO letter_events (letter_id, type, reason) SELECT id, 'awaiting_lookup', $3 FROM released RETURNING letter_id AS id`,
        [id, freshAfter, reason],
      );
      return rows.map((r) => r.id);
    },
    async waiting() {
      const { rows } = await db.query<{ legislature: string; n: number }>(
        "SELECT legislature, count(*)::int AS n FROM letters WHERE status = 'awaiting_election' GROUP BY legislature",
      );
      return Object.fromEntries(rows.map((r) => [r.legislature, r.n]));
    },
    forget: () => recorded.forget(),
  };
}
