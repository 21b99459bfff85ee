// The letter lifecycle as a transition table. Every status change in the service goes through
// `canMove`, and the database update is conditional on the same table, so two processes racing
// on one letter cannot both win, and a late event can never move a letter backwards.

export const LETTER_STATUSES = [
  'awaiting_confirmation',
  'awaiting_lookup',
  'awaiting_election',
  'queued',
  'sending',
  'uncertain',
  'accepted',
  'deferred',
  'delivered',
  'bounced',
  'dropped',
  'failed',
  'skipped',
] as const;

export type LetterStatus = (typeof LETTER_STATUSES)[number];

const TRANSITIONS: Record<LetterStatus, readonly LetterStatus[]> = {
  // The supporter confirmed from the email (campaigns with `confirm`); their MP may still need looking up.
  awaiting_confirmation: ['queued', 'awaiting_lookup'],
  // Represent answered (or the riding cannot be resolved, or nobody holds the office, or the
  // office's legislature was dissolved meanwhile).
  awaiting_lookup: ['queued', 'failed', 'skipped', 'awaiting_election'],
  // Its legislature is dissolved: after the election, its holder is looked up again (or its
  // supporter's data is erased meanwhile).
  awaiting_election: ['awaiting_lookup', 'failed'],
  // A worker claims the letter, or finds its legislature dissolved when its turn comes.
  queued: ['sending', 'failed', 'awaiting_election', 'skipped'],
  // SendGrid answered: taken, refused for good, or try again later (429, 5xx). No answer (a
  // timeout, a reset connection) or none recorded (the worker died) leaves it uncertain. Its
  // webhook can also report on the letter before the worker has recorded the 202.
  sending: ['accepted', 'failed', 'queued', 'uncertain', 'deferred', 'delivered', 'bounced', 'dropped'],
  // SendGrid may have it: a webhook event for it is the proof (it then moves on as usual); with
  // none after the reconcile window it is queued to be sent again, once; uncertain again after
  // that, it fails, for a campaigner to look at (and retry by hand).
  uncertain: ['accepted', 'deferred', 'delivered', 'bounced', 'dropped', 'queued', 'failed'],
  // What the receiving server did, as reported by SendGrid's Event Webhook.
  accepted: ['deferred', 'delivered', 'bounced', 'dropped'],
  deferred: ['deferred', 'delivered', 'bounced', 'dropped'],
  // An asynchronous bounce can follow a delivery report.
  delivered: ['bounced'],
  // A campaigner retries a letter that did not arrive (an MP letter without a usable address
  // goes back to the lookup, in case Represent knows more now).
  bounced: ['queued'],
  dropped: ['queued'],
  failed: ['queued', 'awaiting_lookup'],
  // Nobody holds the office for the supporter's address, or its holder already agrees: no letter, ever.
  skipped: [],
};

export const canMove = (from: LetterStatus, to: LetterStatus): boolean => TRANSITIONS[from].includes(to);

/** Every status a letter may be in for it to move to `to`. */
export const statusesThatCanMoveTo = (to: LetterStatus): LetterStatus[] =>
  LETTER_STATUSES.filter((from) => canMove(from, to));

export const isLetterStatus = (value: unknown): value is LetterStatus =>
  typeof value === 'string' && (LETTER_STATUSES as readonly string[]).includes(value);
