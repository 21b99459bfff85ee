import { AppError } from '../../src/domain/errors';
import { chooseRepresentative, sameDistrict, type Representative, type RepresentativeLookup } from '../../src/domain/representatives';

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
});

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

describe('chooseRepresentative', () => {
  it('a single MP is the one, whatever district is typed', () => {
    expect(chooseRepresentative(lookup([FANJOY]), undefined)).toBe(FANJOY);
    expect(chooseRepresentative(lookup([FANJOY]), null)).toBe(FANJOY);
  });

  it.each([undefined, null, ''])('ambiguous without a district (%j) → district_required with the choices', (district) => {
    const error = thrown(() => chooseRepresentative(lookup([FANJOY, MINGARELLI]), district));
    expect(error.code).toBe('district_required');
    expect(error.details.choices).toEqual([
      { district: FANJOY.district, name: FANJOY.name },
      { district: MINGARELLI.district, name: MINGARELLI.name },
    ]);
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
    expect(chooseRepresentative(lookup([FANJOY, MINGARELLI]), district)).toBe(expected);
  });

  it('matches a riding typed without its accents', () => {
    const montreal = [mp('A', 'Notre-Dame-de-Grâce\u2014Westmount'), mp('B', 'Lac-Saint-Louis')];
    expect(chooseRepresentative(lookup(montreal), 'notre-dame-de-grace-westmount')).toBe(montreal[0]);
  });

  it('an unknown district → district_required', () => {
    const error = thrown(() => chooseRepresentative(lookup([FANJOY, MINGARELLI]), 'Ottawa Centre'));
    expect(error.code).toBe('district_required');
    expect(error.details.choices?.map((c) => c.name)).toEqual([FANJOY.name, MINGARELLI.name]);
  });

  it('no MP → postal_code_not_found', () => {
    expect(thrown(() => chooseRepresentative(lookup([]), 'Carleton')).code).toBe('postal_code_not_found');
    expect(thrown(() => chooseRepresentative(lookup([]), undefined)).code).toBe('postal_code_not_found');
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
