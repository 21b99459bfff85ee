// The organisation's CRM: what is posted there, and the record of each post.

/** What the CRM is told (README, *The CRM webhook*, documents the JSON). */
export type CrmEvent =
  | {
      type: 'supporter.opted_in';
      supporter: { firstName: string; lastName: string; email: string; postalCode: string | null; riding: string | null; province: string | null; language: string };
      consent: { agreedAt: string; wording: string; wordingSha256: string };
      campaign: { slug: string; title: string };
      source: Record<string, string> | null;
      fromShare: boolean;
    }
  | { type: 'supporter.withdrawn'; supporter: { email: string }; withdrawnAt: string }
  | { type: 'supporter.erased'; supporter: { email: string } };

export interface CrmDelivery {
  id: string;
  /** null: nothing left to tell (the supporter was erased before their post went). */
  event: CrmEvent | null;
  occurredAt: Date;
}

export interface CrmStore {
  /** Records a post for each supporter who agreed to updates and was never posted; returns the ids of every pending post. */
  pending(limit: number): Promise<string[]>;
  load(id: string): Promise<CrmDelivery | null>;
  delivered(id: string): Promise<void>;
  /** A failed try: its reason, and `failing` once the tries are spent. */
  failed(id: string, reason: string, final: boolean): Promise<void>;
  cancelled(id: string): Promise<void>;
  counts(): Promise<{ pending: number; delivered: number; failing: number; lastError: string | null }>;
}

export interface CrmSender {
  /** Throws a CrmError when the CRM did not take it. */
  post(id: string, event: CrmEvent, occurredAt: Date): Promise<void>;
}

export class CrmError extends Error {}
