import fs from 'node:fs';
import path from 'node:path';
import { isCurrentMp, toLookup, type RepresentPostcode, type RepresentRep } from '../../src/adapters/represent/parse';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'represent');
const fixture = <T = RepresentPostcode>(name: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as T;

const M5V3L9 = 'postcode-M5V3L9-single-mp.json';
const G0A1A0 = 'postcode-G0A1A0-provincial-concordance.json';
const K0A1K0 = 'postcode-K0A1K0-split-federal.ASSEMBLED.json';
const OLD_ORDER_PAGE = 'representatives-house-of-commons-page1-2019.json';

/** A real MP from the 2019 House of Commons listing, whose riding belongs to an old representation order. */
function oldOrderMp(): RepresentRep {
  const page = fixture<{ objects: RepresentRep[] }>(OLD_ORDER_PAGE);
  const mp = page.objects.find((o) => /^\/boundaries\/federal-electoral-districts\//.test(o.related?.boundary_url ?? ''));
  if (!mp) throw new Error('fixture has no MP of the old order');
  return mp;
}

const FETCHED = new Date('2026-11-01T12:00:00Z');

describe('toLookup on recorded Represent answers', () => {
  it('M5V3L9: exactly the one sitting MP, with every field', () => {
    const lookup = toLookup('M5V 3L9', fixture(M5V3L9), FETCHED);
    expect(lookup.representatives).toEqual([
      {
        name: 'Chi Nguyen',
        district: 'Spadina\u2014Harbourfront',
        party: 'Liberal',
        email: 'chi.nguyen@parl.gc.ca',
        photoUrl: 'https://www.ourcommons.ca/Content/Parliamentarians/Images/OfficialMPPhotos/45/NguyenChi_Lib.jpg',
        province: 'ON',
        url: 'https://www.ourcommons.ca/Members/en/chi-nguyen(123192)',
      },
    ]);
    expect(lookup.ambiguous).toBe(false);
    expect(lookup.postalCode).toBe('M5V 3L9');
    expect(lookup.province).toBe('ON');
    expect(lookup.city).toBe('TORONTO');
  });

  it('M5V3L9: the MPP, the mayor and the councillor are filtered out', () => {
    const names = toLookup('M5V 3L9', fixture(M5V3L9), FETCHED).representatives.map((r) => r.name);
    expect(names).not.toContain('Chris Glover');
    expect(names).not.toContain('Olivia Chow');
    expect(names).not.toContain('Ausma Malik');
  });

  it('M5V3L9: the riding comes from the member, not from old-order boundaries', () => {
    const body = fixture(M5V3L9);
    // The fixture does list the old riding among its boundaries: make sure of it, then that it is not used.
    expect(JSON.stringify(body)).toContain('Spadina\u2014Fort York');
    const districts = toLookup('M5V 3L9', body, FETCHED).representatives.map((r) => r.district);
    expect(districts).not.toContain('Spadina\u2014Fort York');
    expect(districts).toEqual(['Spadina\u2014Harbourfront']);
  });

  it('G0A1A0: Joël Godin only; the MNA in the concordance is ignored', () => {
    const lookup = toLookup('G0A 1A0', fixture(G0A1A0), FETCHED);
    expect(lookup.representatives.map((r) => [r.name, r.district])).toEqual([['Joël Godin', 'Portneuf\u2014Jacques-Cartier']]);
    expect(lookup.representatives[0].province).toBe('QC');
    expect(lookup.ambiguous).toBe(false);
  });

  it('K0A1K0: two ridings, two MPs, ambiguous', () => {
    const lookup = toLookup('K0A 1K0', fixture(K0A1K0), FETCHED);
    expect(lookup.representatives.map((r) => [r.name, r.district])).toEqual([
      ['Bruce Fanjoy', 'Carleton'],
      ['Giovanna Mingarelli', 'Prescott\u2014Russell\u2014Cumberland'],
    ]);
    expect(lookup.ambiguous).toBe(true);
  });

  it('an MP of an old representation order mixed into the answer is ignored', () => {
    const old = oldOrderMp();
    const body = fixture(M5V3L9);
    body.representatives_centroid = [old, ...(body.representatives_centroid ?? [])];
    const lookup = toLookup('M5V 3L9', body, FETCHED);
    expect(lookup.representatives.map((r) => r.name)).toEqual(['Chi Nguyen']);
    expect(lookup.representatives.map((r) => r.name)).not.toContain(old.name);
    expect(lookup.ambiguous).toBe(false);
  });

  it('an MP with an empty email gets email null', () => {
    const body = fixture(M5V3L9);
    body.representatives_centroid = (body.representatives_centroid ?? []).map((r) => (r.elected_office === 'MP' ? { ...r, email: '' } : r));
    const [mp] = toLookup('M5V 3L9', body, FETCHED).representatives;
    expect(mp.name).toBe('Chi Nguyen');
    expect(mp.email).toBeNull();
  });

  it('empty party, photo and url become null as well', () => {
    const body = fixture(M5V3L9);
    body.representatives_centroid = (body.representatives_centroid ?? []).map((r) =>
      r.elected_office === 'MP' ? { ...r, party_name: '', photo_url: '  ', url: undefined } : r,
    );
    const [mp] = toLookup('M5V 3L9', body, FETCHED).representatives;
    expect([mp.party, mp.photoUrl, mp.url]).toEqual([null, null, null]);
  });

  it('an answer without representatives_* keys gives an empty, unambiguous list', () => {
    const { representatives_centroid: _c, ...body } = fixture(M5V3L9);
    expect('representatives_concordance' in body).toBe(false);
    const lookup = toLookup('M5V 3L9', body, FETCHED);
    expect(lookup.representatives).toEqual([]);
    expect(lookup.ambiguous).toBe(false);
  });

  it('the same MP in both concordance and centroid counts once', () => {
    const body = fixture(G0A1A0);
    const godin = (body.representatives_centroid ?? []).find((r) => r.name === 'Joël Godin');
    expect(godin).toBeDefined();
    body.representatives_concordance = [...(body.representatives_concordance ?? []), godin as RepresentRep];
    const lookup = toLookup('G0A 1A0', body, FETCHED);
    expect(lookup.representatives.map((r) => r.name)).toEqual(['Joël Godin']);
    expect(lookup.ambiguous).toBe(false);
  });

  it('a split code with one riding in each list is still ambiguous', () => {
    const body = fixture(K0A1K0);
    const [carleton, prescott] = body.representatives_concordance ?? [];
    const lookup = toLookup('K0A 1K0', { ...body, representatives_concordance: [carleton], representatives_centroid: [prescott] }, FETCHED);
    expect(lookup.representatives.map((r) => r.district)).toEqual(['Carleton', 'Prescott\u2014Russell\u2014Cumberland']);
    expect(lookup.ambiguous).toBe(true);
  });
});

describe('isCurrentMp', () => {
  const chi = (): RepresentRep => {
    const mp = (fixture(M5V3L9).representatives_centroid ?? []).find((r) => r.elected_office === 'MP');
    if (!mp) throw new Error('fixture has no MP');
    return mp;
  };

  it('accepts a House of Commons MP of the 2023 order', () => {
    expect(isCurrentMp(chi())).toBe(true);
  });

  it('accepts an MP when Represent gives no boundary', () => {
    const { related: _r, ...rep } = chi();
    expect(isCurrentMp(rep)).toBe(true);
  });

  it('refuses an MP of an old order', () => {
    expect(isCurrentMp(oldOrderMp())).toBe(false);
  });

  it.each([
    '/boundaries/federal-electoral-districts-2013-representation-order/35101/',
    '/boundaries/federal-electoral-districts-2003-representation-order/35095/',
  ])('refuses an MP whose boundary is %s', (boundary) => {
    expect(isCurrentMp({ ...chi(), related: { boundary_url: boundary } })).toBe(false);
  });

  it.each(fixture(M5V3L9).representatives_centroid?.filter((r) => r.elected_office !== 'MP').map((r) => [r.elected_office, r]) ?? [])(
    'refuses the %s',
    (_office, rep) => {
      expect(isCurrentMp(rep as RepresentRep)).toBe(false);
    },
  );

  it('refuses an "MP" outside the House of Commons', () => {
    expect(isCurrentMp({ ...chi(), representative_set_name: 'Senate' })).toBe(false);
  });
});
