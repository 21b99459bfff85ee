// Represent's postcode answer → the supporter's elected representatives at every level. For
// the federal MPs, only current members of the House of Commons count (Represent also lists
// every older representation order's boundaries), and the riding comes from the member, never
// from the boundaries. Provincial members sit in a provincial legislature; every other office
// (mayor, councillor, regional councillor…) is municipal.
import type { Level, Officeholder } from '../../domain/offices';
import type { Representative, RepresentativeLookup } from '../../domain/representatives';

/** The boundary set of the ridings in force (2023 Representation Order, 45th Parliament on). */
export const CURRENT_FEDERAL_SET = 'federal-electoral-districts-2023-representation-order';

export interface RepresentRep {
  name?: string;
  district_name?: string;
  elected_office?: string;
  representative_set_name?: string;
  party_name?: string;
  email?: string;
  gender?: string;
  photo_url?: string;
  url?: string;
  related?: { boundary_url?: string };
  offices?: Array<{ type?: string; tel?: string; postal?: string; fax?: string }>;
}

export interface RepresentPostcode {
  code?: string;
  city?: string;
  province?: string;
  representatives_centroid?: RepresentRep[];
  representatives_concordance?: RepresentRep[];
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** A sitting MP: House of Commons, and (when Represent says) a riding of the current order. */
export function isCurrentMp(rep: RepresentRep): boolean {
  if (rep.elected_office !== 'MP' || rep.representative_set_name !== 'House of Commons') return false;
  const boundary = rep.related?.boundary_url;
  const federalSet = boundary ? /^\/boundaries\/(federal-electoral-districts[\w-]*)\//.exec(boundary)?.[1] : undefined;
  return federalSet === undefined || federalSet === CURRENT_FEDERAL_SET;
}

const PROVINCIAL_SET = /^(Legislative Assembly|Assemblée (nationale|législative)|House of Assembly|Nova Scotia Legislature)/i;
const PROVINCIAL_OFFICES = new Set(['MPP', 'MNA', 'MLA', 'MHA']);

/** The level of a representative Represent lists; null for an old House of Commons member. */
export function levelOf(rep: RepresentRep): Level | null {
  if (rep.representative_set_name === 'House of Commons' || rep.elected_office === 'MP') return isCurrentMp(rep) ? 'federal' : null;
  if (PROVINCIAL_OFFICES.has(rep.elected_office ?? '') || PROVINCIAL_SET.test(rep.representative_set_name ?? '')) return 'provincial';
  return 'municipal';
}

/**
 * Every office for the code: the centroid's first (the code's own point), so when a code touches
 * two provincial ridings or wards, the first holder of an office is the one where the code lies.
 */
function officeholdersOf(body: RepresentPostcode): Officeholder[] {
  const seen = new Set<string>();
  const holders: Officeholder[] = [];
  for (const rep of [...(body.representatives_centroid ?? []), ...(body.representatives_concordance ?? [])]) {
    const level = levelOf(rep);
    const name = text(rep.name);
    const office = text(rep.elected_office);
    const district = text(rep.district_name);
    if (!level || !name || !office || !district) continue;
    const key = `${level}|${office}|${district}|${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const gender = text(rep.gender);
    holders.push({
      level, office, name, district,
      email: text(rep.email), party: text(rep.party_name), photoUrl: text(rep.photo_url), url: text(rep.url),
      gender: gender === 'F' || gender === 'M' ? gender : null,
    });
  }
  return holders;
}

export function toLookup(postalCode: string, body: RepresentPostcode, fetchedAt: Date): RepresentativeLookup {
  // Concordance (official data) and centroid (the code's centre point) together: a code that
  // straddles ridings shows its MPs across both lists.
  const candidates = [...(body.representatives_concordance ?? []), ...(body.representatives_centroid ?? [])];
  const byDistrict = new Map<string, Representative>();
  for (const rep of candidates) {
    if (!isCurrentMp(rep)) continue;
    const name = text(rep.name);
    const district = text(rep.district_name);
    if (!name || !district || byDistrict.has(district)) continue;
    byDistrict.set(district, {
      name,
      district,
      party: text(rep.party_name),
      email: text(rep.email),
      photoUrl: text(rep.photo_url),
      province: text(body.province),
      url: text(rep.url),
    });
  }
  const representatives = [...byDistrict.values()];
  return {
    postalCode,
    representatives,
    ambiguous: representatives.length > 1,
    city: text(body.city),
    province: text(body.province),
    officeholders: officeholdersOf(body),
    fetchedAt: fetchedAt.toISOString(),
  };
}

/** Represent's `offices` of a representative named so, in an answer: how else to reach their office. */
export function officesOf(body: RepresentPostcode, name: string): Array<{ type: string | null; tel: string | null; postal: string | null }> {
  const rep = [...(body.representatives_centroid ?? []), ...(body.representatives_concordance ?? [])].find((r) => text(r.name) === name);
  return (rep?.offices ?? []).map((o) => ({ type: text(o.type), tel: text(o.tel), postal: text(o.postal) })).filter((o) => o.tel || o.postal);
}
