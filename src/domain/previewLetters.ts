// The letters as they would be sent, shown to the supporter before they press Send. Nothing is
// stored; the subject and text are the ones submitAction will store for the same input today.
import type { ActionInput, ComposeDeps } from './composeLetters';
import { checkSupporter, composeLetters } from './composeLetters';
import { openCampaign } from './campaignLifecycle';
import type { LetterStatus } from './letterStatus';

export interface LetterPreview {
  targetId: string;
  recipient: { name: string | null; role: string; district: string | null };
  subject: string | null;
  text: string | null;
  /**
   * `awaiting_lookup`: the holder is not known yet, so that letter will be written once they are;
   * `awaiting_election`: written for whoever is elected; `skipped`: nobody holds the office, or they already agree.
   */
  status: 'ready' | 'awaiting_lookup' | 'awaiting_election' | 'skipped' | 'not_sendable';
}

export async function previewLetters(deps: ComposeDeps, slug: string, input: ActionInput, visitor: string | null = null): Promise<LetterPreview[]> {
  const campaign = await openCampaign(deps.campaigns, deps.states, slug);
  // A petition has one letter for every signer, shown on its page: nothing personal to preview.
  if (campaign.kind === 'petition') return [];
  const supporter = checkSupporter(campaign, input);
  const { letters } = await composeLetters(deps, campaign, supporter, input, visitor);
  return letters.map((letter) => ({
    targetId: letter.targetId,
    recipient: { name: letter.recipient?.name ?? null, role: letter.role, district: letter.recipient?.district ?? null },
    subject: letter.rendered?.subject ?? null,
    text: letter.rendered?.text ?? null,
    status: PREVIEW_STATUS[letter.status] ?? 'not_sendable',
  }));
}

const PREVIEW_STATUS: Partial<Record<LetterStatus, LetterPreview['status']>> = {
  queued: 'ready',
  awaiting_lookup: 'awaiting_lookup',
  awaiting_election: 'awaiting_election',
  skipped: 'skipped',
};
