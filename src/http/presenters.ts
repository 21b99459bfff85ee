// Stored actions → the JSON of API.md.
import { overallStatus } from '../domain/actionStatus';
import type { StoredAction, StoredLetter } from '../domain/ports';
import type { RepresentativeLookup } from '../domain/representatives';

const recipientOf = (letter: StoredLetter) => ({
  name: letter.recipient.name,
  role: letter.recipient.role,
  ...(letter.recipient.district ? { district: letter.recipient.district } : {}),
});

export const statusUrl = (publicUrl: string, action: StoredAction) =>
  `${publicUrl}/actions/${action.id}?token=${encodeURIComponent(action.token)}`;

export function submissionBody(action: StoredAction, publicUrl: string) {
  return {
    id: action.id,
    token: action.token,
    status: overallStatus(action),
    statusUrl: statusUrl(publicUrl, action),
    letters: action.letters.map((l) => ({ id: l.id, recipient: recipientOf(l), subject: l.subject, status: l.status })),
  };
}

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
