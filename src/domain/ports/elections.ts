// Legislatures, dissolved and sitting: what holds letters during an election.

/** A legislature ("federal", "provincial:ON") as an owner last recorded it. */
export interface Legislature {
  id: string;
  /** Its name in English, for letters' histories ("Parliament of Canada"). */
  name: string;
  status: 'sitting' | 'dissolved';
  /** YYYY-MM-DD, when known. */
  electionDate: string | null;
  changedAt: Date;
  changedBy: string;
}

export interface LegislatureStore {
  /** Every legislature an owner has recorded (the others are sitting). */
  list(): Promise<Legislature[]>;
  /** The dissolved ones by id; each process keeps the answer a few seconds (submissions ask it). */
  dissolved(): Promise<Map<string, Legislature>>;
  /** When each legislature recorded as sitting again did so: a Represent answer older than that may name former members. */
  sittingSince(): Promise<Map<string, Date>>;
  record(id: string, status: Legislature['status'], electionDate: string | null, by: string): Promise<Legislature>;
  /** Its letters not sent yet (queued, or waiting for their holder) → awaiting_election, with the reason; returns how many. */
  hold(id: string, reason: string): Promise<number>;
  /** Letters waiting for this legislature's election → awaiting_lookup, looked up with an answer fetched after `freshAfter`. */
  release(id: string, freshAfter: Date, reason: string): Promise<string[]>;
  /** Letters waiting for an election, per legislature. */
  waiting(): Promise<Record<string, number>>;
}
