// Stored actions → the JSON of API.md.
import { overallStatus } from '../domain/actionStatus';
import type { StoredAction, StoredLetter } from '../domain/ports';
import type { RepresentativeLookup } from '../domain/representatives';
import type { SubmitResult } from '../domain/submitAction';

const recipientOf = (letter: Pick<StoredLetter, 'recipient'>) => ({
  name: letter.recipient.name,
  role: letter.recipient.role,
  ...(letter.recipient.district ? { district: letter.recipient.district } : {}),
});

/** The same for a new action and a repeat: what this request composed, never an id or a link. */
export function submissionBody(result: SubmitResult) {
  return {
    received: true,
    kind: result.kind,
    letters: result.letters.map((l) => ({ recipient: recipientOf(l), subject: l.subject })),
    confirmationRequired: result.confirmationRequired,
  };
}

const EXPLAINED = new Set(['skipped', 'awaiting_election']);

export function statusBody(action: StoredAction) {
  return {
    id: action.id,
    campaign: action.campaignSlug,
    createdAt: action.createdAt.toISOString(),
    status: overallStatus(action),
    letters: action.letters.map((l) => ({
      id: l.id,
      recipient: recipientOf(l),
      subject: l.subject,
      status: l.status,
      // Why no letter goes, or what it waits for: nothing personal, and the supporter should know.
      ...(EXPLAINED.has(l.status) ? { reason: l.reason } : {}),
      updatedAt: l.updatedAt.toISOString(),
      events: l.events.map((e) => ({ type: e.type, at: e.at.toISOString() })),
    })),
  };
}

export const representativesBody = (lookup: RepresentativeLookup) => ({
  postalCode: lookup.postalCode,
  representatives: lookup.representatives,
  ambiguous: lookup.ambiguous,
});
