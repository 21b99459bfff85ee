// SendGrid's Event Webhook reports, stored as received and applied to letters.
import type { DeliveryEvent } from '../deliveryEvents';

export interface StoredDeliveryEvent {
  id: string;
  letterId: string | null;
  event: string;
  occurredAt: Date;
  reason: string | null;
}

export interface DeliveryEventStore {
  /** Stores new events, skipping ones already stored; matches each to its letter. Returns how many were new. */
  save(events: DeliveryEvent[]): Promise<number>;
  /** Takes up to `limit` stored events not yet applied, oldest first, for a while: no one else applies them meanwhile. */
  claimUnapplied(limit: number): Promise<StoredDeliveryEvent[]>;
  /** Done with these; a claim never marked (the process died) frees itself and is applied again. */
  markApplied(ids: string[]): Promise<void>;
}
