// Elections. An owner records that a legislature is dissolved, with the election date: letters
// to its members are held (not sent to people who are no longer members). Once the owner records
// it sitting again, the held letters are looked up again, with an answer Represent gives after
// that moment, so they go to the members now elected (a riding that no longer exists is simply
// not in the new answer: the postal code finds the new one).
import { AppError } from './errors';
import { legislatureName, PROVINCIAL_LEGISLATURES } from './offices';
import type { AuditLog, Clock, Legislature, LegislatureStore, LetterQueue } from './ports';

export interface ElectionDeps {
  legislatures: LegislatureStore;
  queue: LetterQueue;
  audit: AuditLog;
  clock: Clock;
}

export const LEGISLATURE_IDS = ['federal', ...Object.keys(PROVINCIAL_LEGISLATURES).map((p) => `provincial:${p}`)];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkId(id: string): void {
  if (!LEGISLATURE_IDS.includes(id)) throw new AppError('validation_failed', { fields: { legislature: 'invalid' } });
}

export async function dissolveLegislature(deps: ElectionDeps, by: string, id: string, electionDate: unknown): Promise<{ legislature: Legislature; held: number }> {
  checkId(id);
  if (electionDate !== null && electionDate !== undefined && (typeof electionDate !== 'string' || !DATE.test(electionDate) || Number.isNaN(Date.parse(electionDate)))) {
    throw new AppError('validation_failed', { fields: { electionDate: 'invalid' } });
  }
  const legislature = await deps.legislatures.record(id, 'dissolved', (electionDate as string | undefined) ?? null, by);
  const when = legislature.electionDate ? ` on ${legislature.electionDate}` : '';
  const held = await deps.legislatures.hold(id, `${legislatureName(id, 'en')} is dissolved for the election${when}: the letter goes to whoever is elected.`);
  await deps.audit.record({ actor: by, action: 'dissolve', campaignSlug: null, detail: { legislature: id, electionDate: legislature.electionDate, held } });
  return { legislature, held };
}

export async function legislatureSitting(deps: ElectionDeps, by: string, id: string): Promise<{ legislature: Legislature; released: number }> {
  checkId(id);
  const legislature = await deps.legislatures.record(id, 'sitting', null, by);
  // Only an answer fetched from now on names the members elected.
  const released = await deps.legislatures.release(id, deps.clock.now(), `${legislatureName(id, 'en')} sits again: looking up who was elected.`);
  await deps.queue.ensureLookup(released);
  await deps.audit.record({ actor: by, action: 'sitting', campaignSlug: null, detail: { legislature: id, released: released.length } });
  return { legislature, released: released.length };
}

/** Each legislature with its state and how many letters wait for its election (those never recorded are sitting). */
export async function legislatureBoard(deps: Pick<ElectionDeps, 'legislatures'>): Promise<Array<Legislature & { waiting: number }>> {
  const [recorded, waiting] = await Promise.all([deps.legislatures.list(), deps.legislatures.waiting()]);
  return recorded.map((l) => ({ ...l, waiting: waiting[l.id] ?? 0 }));
}

/**
 * The time a Represent answer must be newer than to name the members of these legislatures: the
 * latest time one of them sat again after an election (an older answer may list former members).
 */
export function freshAfterElections(sittings: Map<string, Date>, legislatures: Array<string | null>): Date | null {
  const times = legislatures.map((id) => (id ? sittings.get(id)?.getTime() : undefined)).filter((t): t is number => t !== undefined);
  return times.length > 0 ? new Date(Math.max(...times)) : null;
}
