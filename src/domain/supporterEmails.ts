// The emails a supporter gets about their own action, as opposed to letters: the request to
// confirm it, the receipt of a new action (a copy of its letters and the status link), and the
// note to a mailbox that had acted already. Such an email's id is its job id, its local outbox
// file's name and the `letter_id` custom argument SendGrid echoes in webhook events, so it must
// never look like a letter's id (a UUID). The convention has one name, here.
const CONFIRMATION = 'confirm-';
/** The receipt's id is made in SQL too (createActionsSql.ts), with this prefix. */
export const RECEIPT_PREFIX = 'receipt-';
const DUPLICATE = 'already-';
const SIGN_IN = 'signin-';
const UNDELIVERED = 'undelivered-';

/** The id of the email asking a supporter to confirm this action. */
export const confirmationEmailId = (actionId: string): string => `${CONFIRMATION}${actionId}`;

/** The id of a new action's receipt: one per action. */
export const receiptEmailId = (actionId: string): string => `${RECEIPT_PREFIX}${actionId}`;

/** The id of a note to a mailbox that had acted already (`uuid`: this note's own). */
export const duplicateEmailId = (uuid: string): string => `${DUPLICATE}${uuid}`;

/** The id of the note that this letter did not arrive: one per letter. */
export const undeliveredEmailId = (letterId: string): string => `${UNDELIVERED}${letterId}`;

/** The id of a campaigner's sign-in link email (`uuid`: this email's own). */
export const signInEmailId = (uuid: string): string => `${SIGN_IN}${uuid}`;

/**
 * An email that is not a letter (its webhook events are not kept): to a supporter about their
 * action, or a campaigner's sign-in link.
 */
export const isServiceEmailId = (id: string): boolean => [CONFIRMATION, RECEIPT_PREFIX, DUPLICATE, SIGN_IN, UNDELIVERED].some((prefix) => id.startsWith(prefix));
