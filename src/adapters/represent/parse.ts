// Represent's postcode answer → the supporter's federal MPs. Represent lists every level of
// government and, for boundaries, every federal representation order; only current members
// of the House of Commons count, and the riding comes from the member, never from the boundaries.
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
  photo_url?: string;
  url?: string;
  related?: { boundary_url?: string };
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

export function toLookup(postalCode: string, body: RepresentPostcode): RepresentativeLookup {
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
  };
}
