// What SendGrid's Event Webhook reports about a letter after it took it. Events are stored as
// received (once each), then applied: a delivery report moves the letter forward through the
// transition table; anything else (processed, a late or repeated report) is kept in its log.
import type { LetterStatus } from './letterStatus';
import type { LetterStore } from './ports';
import type { DeliveryEventStore } from './ports';

export interface DeliveryEvent {
  event: string;
  /** From our `letter_id` custom arg, when it is a well-formed id. */
  letterId: string | null;
  sgEventId: string | null;
  sgMessageId: string | null;
  occurredAt: Date;
  recipient: string | null;
  reason: string | null;
  payload: object;
}

/** Delivery reports that change a letter's status. */
export const STATUS_OF_EVENT: Partial<Record<string, LetterStatus>> = {
  // Proof that SendGrid took a letter whose answer was never recorded (uncertain, or still sending).
  processed: 'accepted',
  delivered: 'delivered',
  deferred: 'deferred',
  bounce: 'bounced',
  dropped: 'dropped',
};

export interface ApplyEventsDeps {
  events: DeliveryEventStore;
  letters: LetterStore;
  /** A letter that will not arrive (bounced, dropped): its supporter is told, once, how else to reach the office. */
  undelivered(letterId: string): Promise<void>;
}

/** Final statuses that leave the office without the letter. */
const NOT_ARRIVED = new Set<LetterStatus>(['bounced', 'dropped']);

export async function applyDeliveryEvents(deps: ApplyEventsDeps, batchSize = 500): Promise<number> {
  let applied = 0;
  for (;;) {
    const batch = await deps.events.claimUnapplied(batchSize);
    for (const event of batch) {
      if (!event.letterId) continue;
      const status = STATUS_OF_EVENT[event.event];
      const change = { reason: event.reason, at: event.occurredAt };
      const moved = status ? await deps.letters.move(event.letterId, status, change) : false;
      if (!moved) await deps.letters.note(event.letterId, event.event, event.reason, event.occurredAt);
      else if (status && NOT_ARRIVED.has(status)) await deps.undelivered(event.letterId);
    }
    await deps.events.markApplied(batch.map((e) => e.id));
    applied += batch.length;
    if (batch.length < batchSize) return applied;
  }
}
