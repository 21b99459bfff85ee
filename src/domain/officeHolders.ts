// Who an office target's letters go to, from one Represent answer for the postal code: the MP of
// the supporter's riding, the member of their provincial legislature, their mayor or councillor.
// And what each holder gets: the campaign's letter, its thank-you letter (they already agree), or
// nothing; or, while their legislature is dissolved, a letter that waits for whoever is elected.
import type { Agreement, Locale } from './campaign';
import { chooseMp, NO_EMAIL_REASON, type RidingChoice } from './mpLookup';
import { officeLabel, provincialOfficeIn, sameOffice, wordingOf, type Level, type Officeholder } from './offices';
import type { Legislature } from './ports';
import type { Recipient } from './letters';
import { sameDistrict, type RepresentativeLookup } from './representatives';

export interface OfficeSpec {
  level: Level;
  offices: string[] | null;
}

export type Holders =
  | { kind: 'holders'; holders: Officeholder[] }
  /** Nobody holds the office for this code in Represent (a vacant seat, a city it does not cover). */
  | { kind: 'none'; reason: string }
  | { kind: 'choose_riding'; choices: RidingChoice[] };

export function holdersFor(spec: OfficeSpec, lookup: RepresentativeLookup, district: string | null | undefined): Holders {
  if (spec.level === 'federal') {
    const mp = chooseMp(lookup, district);
    if (mp.kind === 'choose_riding') return mp;
    if (mp.kind !== 'found' && mp.kind !== 'no_email') return { kind: 'none', reason: 'Represent lists no MP for this postal code.' };
    // The officeholders' entry carries the gender the French wording follows.
    const same = lookup.officeholders.find((h) => h.level === 'federal' && sameDistrict(h.district, mp.mp.district));
    return { kind: 'holders', holders: [same ?? { level: 'federal', office: 'MP', ...mp.mp, gender: null }] };
  }
  const ofLevel = lookup.officeholders.filter((h) => h.level === spec.level);
  if (spec.level === 'provincial') {
    // A code on two provincial ridings: the first is the code's own point (parse.ts lists the centroid's first).
    const first = ofLevel[0];
    if (!first) return { kind: 'none', reason: `Represent lists no ${provincialOfficeIn(lookup.province)} for this postal code.` };
    return { kind: 'holders', holders: ofLevel.filter((h) => sameDistrict(h.district, first.district)) };
  }
  const offices = spec.offices ?? [...new Set(ofLevel.map((h) => h.office))];
  const holders = offices.flatMap((office) => {
    const holding = ofLevel.filter((h) => sameOffice(h.office, office));
    return holding.filter((h) => sameDistrict(h.district, holding[0].district));
  });
  if (holders.length === 0) return { kind: 'none', reason: `Represent lists no ${officeLabel('municipal', spec.offices, 'en').replace(/^your /, '')} for this postal code.` };
  return { kind: 'holders', holders };
}

const plain = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

/** True when the campaign lists this holder among those who already agree. */
function agrees(agreement: Agreement | null, holder: Officeholder): boolean {
  return (agreement?.who ?? []).some(
    (w) => (w.name === null || plain(w.name) === plain(holder.name)) && (w.district === null || sameDistrict(w.district, holder.district)),
  );
}

function recipientOf(holder: Officeholder, locale: Locale): Recipient {
  const words = wordingOf(holder, locale);
  return {
    name: holder.name, role: words.role, district: holder.district, email: holder.email,
    title: words.title, salutation: words.salutation, office: holder.office, level: holder.level,
  };
}

/** What one holder's letter becomes. */
export type HolderLetter =
  | { kind: 'ask' | 'thank'; recipient: Recipient }
  | { kind: 'no_email'; recipient: Recipient; reason: string }
  | { kind: 'skip'; recipient: Recipient; reason: string };

export function letterForHolder(holder: Officeholder, agreement: Agreement | null, locale: Locale): HolderLetter {
  const recipient = recipientOf(holder, locale);
  if (agrees(agreement, holder)) {
    if (agreement?.then === 'skip') return { kind: 'skip', recipient, reason: `${holder.name} already supports the campaign: no letter is sent.` };
    return { kind: 'thank', recipient };
  }
  if (!holder.email) return { kind: 'no_email', recipient, reason: NO_EMAIL_REASON };
  return { kind: 'ask', recipient };
}

/** Why a letter waits: its legislature is dissolved until the election. */
export function heldForElection(legislature: Legislature): string {
  const when = legislature.electionDate ? ` on ${legislature.electionDate}` : '';
  return `${legislature.name} is dissolved for the election${when}: the letter goes to whoever is elected.`;
}
