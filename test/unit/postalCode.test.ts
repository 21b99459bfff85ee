import { compactPostalCode, normalisePostalCode, provinceOf } from '../../src/domain/postalCode';

describe('normalisePostalCode', () => {
  it.each([
    ['K1A 0A6', 'K1A 0A6'],
    ['k1a0a6', 'K1A 0A6'],
    ['K1a 0a6', 'K1A 0A6'],
    ['K1A0A6', 'K1A 0A6'],
    ['K1A-0A6', 'K1A 0A6'],
    ['  k1a 0a6  ', 'K1A 0A6'],
    ['\tK1A   0A6\n', 'K1A 0A6'],
    ['m5v-3l9', 'M5V 3L9'],
    ['X0A 0H0', 'X0A 0H0'],
  ])('normalises %j to %s', (input, expected) => {
    expect(normalisePostalCode(input)).toBe(expected);
  });

  // Second and third letters may be W or Z; only the first may not.
  it.each([
    ['K1W 1Z1', 'K1W 1Z1'],
    ['h2z 1w1', 'H2Z 1W1'],
    ['T5Z 0W9', 'T5Z 0W9'],
  ])('accepts W or Z outside the first position: %s', (input, expected) => {
    expect(normalisePostalCode(input)).toBe(expected);
  });

  it.each(['D', 'F', 'I', 'O', 'Q', 'U'])('rejects the letter %s in every letter position', (letter) => {
    expect(normalisePostalCode(`${letter}1A 1A1`)).toBeNull();
    expect(normalisePostalCode(`K1${letter} 1A1`)).toBeNull();
    expect(normalisePostalCode(`K1A 1${letter}1`)).toBeNull();
  });

  it.each(['W1A 1A1', 'Z1A 1A1', 'w1a1a1', 'z1a-1a1'])('rejects W or Z as first letter: %s', (input) => {
    expect(normalisePostalCode(input)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['too short', 'K1A 0A'],
    ['too long', 'K1A 0A66'],
    ['seven characters', 'K1A 0A6B'],
    ['FSA only', 'K1A'],
    ['digits and letters swapped', '1K1 A0A'],
    ['all digits', '123 456'],
    ['all letters', 'KAA AAA'],
    ['other punctuation', 'K1A.0A6'],
    ['US ZIP', '90210'],
  ])('rejects a wrong shape (%s)', (_what, input) => {
    expect(normalisePostalCode(input)).toBeNull();
  });

  it.each([[123], [null], [undefined], [{}], [['K1A 0A6']]])('rejects a non-string: %j', (input) => {
    expect(normalisePostalCode(input)).toBeNull();
  });
});

describe('provinceOf', () => {
  it.each([
    ['A1A 1A1', 'NL'],
    ['B3H 1A1', 'NS'],
    ['C1A 1A1', 'PE'],
    ['E1A 1A1', 'NB'],
    ['G0A 1A0', 'QC'],
    ['H2Z 1W1', 'QC'],
    ['J4B 1A1', 'QC'],
    ['K1A 0A6', 'ON'],
    ['L5B 1A1', 'ON'],
    ['M5V 3L9', 'ON'],
    ['N2L 1A1', 'ON'],
    ['P3E 1A1', 'ON'],
    ['R3C 1A1', 'MB'],
    ['S4P 1A1', 'SK'],
    ['T5J 1A1', 'AB'],
    ['V6B 1A1', 'BC'],
    ['Y1A 1A1', 'YT'],
    ['X0A 0H0', 'NU'],
    ['X0B 1A1', 'NU'],
    ['X0C 1A1', 'NU'],
    ['X1A 1A1', 'NT'],
    ['X0E 1A1', 'NT'],
    ['X0G 1A1', 'NT'],
  ])('%s is in %s', (code, province) => {
    expect(provinceOf(normalisePostalCode(code)!)).toBe(province);
  });
});

describe('compactPostalCode', () => {
  it('drops the space of a normalised code', () => {
    expect(compactPostalCode(normalisePostalCode('K1A 0A6')!)).toBe('K1A0A6');
  });

  it('round-trips with normalisePostalCode', () => {
    const normalised = normalisePostalCode('m5v-3l9');
    expect(normalised).not.toBeNull();
    expect(compactPostalCode(normalised!)).toBe('M5V3L9');
  });
});
