// The emails a supporter gets about their own action, as opposed to letters: asking them to
// confirm it. Such an email's id is its job id, its local outbox file's name and the `letter_id`
// custom argument SendGrid echoes in webhook events, so it must never look like a letter's id
// (a UUID). The convention has one name, here.
const CONFIRMATION = 'confirm-';

/** The id of the email asking a supporter to confirm this action. */
export const confirmationEmailId = (actionId: string): string => `${CONFIRMATION}${actionId}`;

/** An email to a supporter about their action, not a letter (its webhook events are not kept). */
export const isSupporterEmailId = (id: string): boolean => id.startsWith(CONFIRMATION);
