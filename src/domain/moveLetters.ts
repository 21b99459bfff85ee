// A fixed target changed hands (a cabinet shuffle): an editor published a version naming the new
// minister. Letters already written to the old one and not sent yet are moved in one action:
// each is written again from the version now published, for the new holder, and its history says
// so. Letters already sent stay as they were.
import type { Target } from './campaign';
import { renderLetter } from './composeLetters';
import { AppError } from './errors';
import { fixedRecipient } from './letters';
import type { AuditLog, CampaignVersionsAt, Clock, LetterStore } from './ports';

export interface MoveLettersDeps {
  letters: LetterStore;
  versions: CampaignVersionsAt;
  audit: AuditLog;
  clock: Clock;
}

/** Each fixed target whose published holder differs from some of its unsent letters', with how many. */
export async function movableLetters(deps: Pick<MoveLettersDeps, 'letters' | 'versions'>, slug: string): Promise<Array<{ target: string; to: string; letters: number }>> {
  const { campaign } = await deps.versions.at(slug, null);
  const fixed = campaign.targets.filter((t): t is Extract<Target, { kind: 'fixed' }> => t.kind === 'fixed' && t.email !== null);
  const counts = await Promise.all(fixed.map(async (t) => ({ target: t.id, to: t.name, letters: (await deps.letters.unsentTo(slug, t.id, t.email)).length })));
  return counts.filter((c) => c.letters > 0);
}

export async function moveUnsentLetters(deps: MoveLettersDeps, by: string, slug: string, targetId: string): Promise<{ moved: number; to: string }> {
  const { campaign, renderer } = await deps.versions.at(slug, null);
  const target = campaign.targets.find((t): t is Extract<Target, { kind: 'fixed' }> => t.id === targetId && t.kind === 'fixed');
  if (!target?.email) throw new AppError('not_found');
  let moved = 0;
  for (const id of await deps.letters.unsentTo(slug, targetId, target.email)) {
    const letter = await deps.letters.queuedLetter(id);
    if (!letter) continue;
    const recipient = fixedRecipient(target, letter.locale);
    const rendered = renderLetter({ renderer, clock: deps.clock }, campaign, targetId, letter.locale, letter.supporter, letter.message, recipient, null);
    const reason = `Moved by ${by} from ${letter.recipient?.name ?? 'the previous holder'} to ${target.name}, as version ${campaign.version ?? '?'} of the campaign names them.`;
    if (await deps.letters.rewrite(id, { recipient, rendered, reason })) moved += 1;
  }
  await deps.audit.record({ actor: by, action: 'move_letters', campaignSlug: slug, detail: { target: targetId, to: target.name, moved } });
  return { moved, to: target.name };
}
