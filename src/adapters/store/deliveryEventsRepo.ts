// DeliveryEventStore on PostgreSQL/PGlite: one INSERT per webhook batch, duplicates skipped by
// the unique indexes, each event matched to its letter by custom arg or by SendGrid message id.
import type { DeliveryEvent } from '../../domain/deliveryEvents';
import type { Db } from '../db';
import type { DeliveryEventStore, StoredDeliveryEvent } from '../../domain/ports';

export function deliveryEventsRepo(db: Db): DeliveryEventStore {
  return {
    async save(events: DeliveryEvent[]) {
      if (events.length === 0) return 0;
      const rows = events.map((e) => ({
        letter_id: e.letterId,
        event: e.event,
        sg_event_id: e.sgEventId,
        sg_message_id: e.sgMessageId,
        occurred_at: e.occurredAt.toISOString(),
        recipient: e.recipient,
        reason: e.reason,
        payload: e.payload,
      }));
      // X-Message-Id is the part of sg_message_id before the first dot.
      const { rows: inserted } = await db.query(
        `INSERT INTO delivery_events (letter_id, event, sg_event_id, sg_message_id, occurred_at, recipient, reason, payload)
         SELECT COALESCE(by_arg.id, by_message.id), e.event, e.sg_event_id, e.sg_message_id, e.occurred_at, e.recipient, e.reason, e.payload
           FROM json_to_recordset($1::json) AS e(letter_id uuid, event text, sg_event_id text, sg_message_id text,
                                                 occurred_at timestamptz, recipient text, reason text, payload jsonb)
           LEFT JOIN letters by_arg ON by_arg.id = e.letter_id
           LEFT JOIN letters by_message ON by_arg.id IS NULL AND e.sg_message_id IS NOT NULL
                                        AND by_message.provider_message_id IS NOT NULL -- the index holds only these
                                        AND by_message.provider_message_id = split_part(e.sg_message_id, '.', 1)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [JSON.stringify(rows)],
      );
      return inserted.length;
    },

    async claimUnapplied(limit): Promise<StoredDeliveryEvent[]> {
      const { rows } = await db.query<{ id: string; letter_id: string | null; event: string; occurred_at: Date; reason: string | null }>(
        `UPDATE delivery_events SET claimed_until = now() + interval '2 minutes'
          WHERE id IN (SELECT id FROM delivery_events
                        WHERE applied_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                        ORDER BY occurred_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id, letter_id, event, occurred_at, reason`,
        [limit],
      );
      return rows
        .sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime() || Number(a.id) - Number(b.id))
        .map((r) => ({ id: String(r.id), letterId: r.letter_id, event: r.event, occurredAt: r.occurred_at, reason: r.reason }));
    },

    async markApplied(ids) {
      if (ids.length > 0) await db.query('UPDATE delivery_events SET applied_at = now() WHERE id = ANY($1::bigint[])', [ids]);
    },
  };
}
