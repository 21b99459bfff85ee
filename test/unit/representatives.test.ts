import { chooseMp, lookUpMp, lookupError, ridingOf } from '../../src/domain/mpLookup';
import type { FinderAnswer, RepresentativeFinder } from '../../src/domain/ports';
import { normalisePostalCode } from '../../src/domain/postalCode';
import { sameDistrict, type Representative, type RepresentativeLookup } from '../../src/domain/representatives';

const mp = (name: string, district: string): Representative => ({
  name,
  district,
  party: 'Liberal',
  email: `${name.split(' ')[0].toLowerCase()}@parl.gc.ca`,
  photoUrl: null,
  province: 'ON',
  url: null,
});

const FANJOY = mp('Bruce Fanjoy', 'Carleton');
const MINGARELLI = mp('Giovanna Mingarelli', 'Prescott\u2014Russell\u2014Cumberland');

const lookup = (representatives: Representative[]): RepresentativeLookup => ({
  postalCode: 'K0A 1K0',
  representatives,
  ambiguous: representatives.length > 1,
  city: 'CARLSBAD SPRINGS',
  province: 'ON',
  officeholders: [],
  fetchedAt: '2026-11-01T12:00:00.000Z',
});

const found = (rep: Representative) => ({ kind: 'found', mp: rep });

describe('chooseMp', () => {
  it('a single MP is the one, whatever district is typed', () => {
    expect(chooseMp(lookup([FANJOY]), undefined)).toEqual(found(FANJOY));
    expect(chooseMp(lookup([FANJOY]), null)).toEqual(found(FANJOY));
  });

  it.each([undefined, null, ''])('ambiguous without a district (%j) → choose a riding, with the choices', (district) => {
    expect(chooseMp(lookup([FANJOY, MINGARELLI]), district)).toEqual({
      kind: 'choose_riding',
      choices: [
        { district: FANJOY.district, name: FANJOY.name },
        { district: MINGARELLI.district, name: MINGARELLI.name },
      ],
    });
  });

  it.each([
    ['Prescott\u2014Russell\u2014Cumberland', MINGARELLI],
    ['Prescott-Russell-Cumberland', MINGARELLI],
    ['prescott-russell-cumberland', MINGARELLI],
    ['PRESCOTT\u2013RUSSELL\u2013CUMBERLAND', MINGARELLI],
    ['  Prescott-Russell-Cumberland ', MINGARELLI],
    ['carleton', FANJOY],
    ['Carleton', FANJOY],
  ])('ambiguous with district %j → the right MP', (district, expected) => {
    expect(chooseMp(lookup([FANJOY, MINGARELLI]), district)).toEqual(found(expected));
  });

  it('matches a riding typed without its accents', () => {
    const montreal = [mp('A', 'Notre-Dame-de-Grâce\u2014Westmount'), mp('B', 'Lac-Saint-Louis')];
    expect(chooseMp(lookup(montreal), 'notre-dame-de-grace-westmount')).toEqual(found(montreal[0]));
  });

  it('an unknown district → choose a riding', () => {
    const outcome = chooseMp(lookup([FANJOY, MINGARELLI]), 'Ottawa Centre');
    expect(outcome.kind === 'choose_riding' && outcome.choices.map((c) => c.name)).toEqual([FANJOY.name, MINGARELLI.name]);
  });

  it('no MP → an unknown postal code', () => {
    expect(chooseMp(lookup([]), 'Carleton')).toEqual({ kind: 'unknown_code' });
    expect(chooseMp(lookup([]), undefined)).toEqual({ kind: 'unknown_code' });
  });

  it('an MP Represent lists without an email → no_email, still with their riding', () => {
    const outcome = chooseMp(lookup([{ ...FANJOY, email: null }]), undefined);
    expect(outcome).toEqual({ kind: 'no_email', mp: { ...FANJOY, email: null } });
    expect(ridingOf(outcome)).toBe('Carleton');
  });
});

describe('lookUpMp', () => {
  const K0A1K0 = normalisePostalCode('K0A 1K0')!;
  const finder = (answer: FinderAnswer): RepresentativeFinder => ({ find: async () => answer });

  it('passes on what the finder could not answer, and chooses among what it found', async () => {
    expect(await lookUpMp(finder({ kind: 'unknown_code' }), K0A1K0, null)).toEqual({ kind: 'unknown_code' });
    const away = { kind: 'unavailable', retryAfterMs: 3000, why: 'Represent answered HTTP 503.' } as const;
    expect(await lookUpMp(finder(away), K0A1K0, null)).toEqual(away);
    expect(await lookUpMp(finder({ kind: 'found', lookup: lookup([FANJOY, MINGARELLI]) }), K0A1K0, 'Carleton')).toEqual(found(FANJOY));
  });

  it('words each outcome a supporter must act on as the contract’s error', () => {
    expect(lookupError({ kind: 'unknown_code' }).code).toBe('postal_code_not_found');
    const choose = lookupError({ kind: 'choose_riding', choices: [{ district: 'Carleton', name: FANJOY.name }] });
    expect([choose.code, choose.details.choices]).toEqual(['district_required', [{ district: 'Carleton', name: FANJOY.name }]]);
    const away = lookupError({ kind: 'unavailable', retryAfterMs: 2500, why: 'budget spent' });
    expect([away.code, away.details.retryAfterSeconds, away.details.internal]).toEqual(['lookup_unavailable', 3, 'budget spent']);
  });
});

describe('sameDistrict', () => {
  it.each([
    ['Spadina\u2014Harbourfront', 'spadina-harbourfront'],
    ['Spadina\u2014Harbourfront', 'Spadina\u2013Harbourfront'],
    ['Portneuf\u2014Jacques-Cartier', 'portneuf-jacques-cartier'],
    ['Québec Centre', 'quebec centre'],
    ['Québec  Centre', ' Quebec Centre '],
    ['Trois-Rivières', 'TROIS-RIVIERES'],
    ['Prescott\u2014Russell\u2014Cumberland', 'Prescott - Russell - Cumberland'],
    ['Beauport\u2014Côte-de-Beaupré\u2014Île d\u2019Orléans\u2014Charlevoix', "Beauport-Cote-de-Beaupre-Ile d'Orleans-Charlevoix"],
  ])('%j and %j are the same riding', (a, b) => {
    expect(sameDistrict(a, b)).toBe(true);
    expect(sameDistrict(b, a)).toBe(true);
  });

  it.each([
    ['Carleton', 'Prescott\u2014Russell\u2014Cumberland'],
    ['Spadina\u2014Harbourfront', 'Spadina\u2014Fort York'],
    ['Ottawa Centre', 'Ottawa South'],
  ])('%j and %j are different ridings', (a, b) => {
    expect(sameDistrict(a, b)).toBe(false);
  });
});
