import { parseActionBody } from '../../src/http/actionBody';
import { AppError } from '../../src/domain/errors';

const VALID = {
  firstName: 'Marie-Ève',
  lastName: 'Tremblay',
  email: 'marie@example.org',
  postalCode: 'K1A 0A6',
};

function validationError(body: unknown): AppError {
  try {
    parseActionBody(body, { address: false, city: false });
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    return error as AppError;
  }
  throw new Error('expected parseActionBody to throw');
}

describe('parseActionBody', () => {
  it('accepts a full JSON body', () => {
    const body = {
      ...VALID,
      address: '1 Wellington St',
      city: 'Ottawa',
      message: 'Please act.',
      district: 'Ottawa Centre',
      locale: 'fr',
      consent: { updates: true },
    };
    expect(parseActionBody(body, { address: false, city: false })).toEqual(body);
  });

  it('trims what the supporter typed', () => {
    const parsed = parseActionBody({
      firstName: '  Marie ',
      lastName: ' Tremblay\t',
      email: ' marie@example.org ',
      postalCode: ' k1a 0a6 ',
      address: '  1 Wellington St ',
      city: ' Ottawa ',
      district: ' Carleton ',
    }, { address: false, city: false });
    expect(parsed).toMatchObject({
      firstName: 'Marie',
      lastName: 'Tremblay',
      email: 'marie@example.org',
      postalCode: 'k1a 0a6',
      address: '1 Wellington St',
      city: 'Ottawa',
      district: 'Carleton',
    });
  });

  it('reads a form: "" for an empty optional field is undefined', () => {
    const parsed = parseActionBody({ ...VALID, address: '', city: '  ', message: '', district: '', locale: '' }, { address: false, city: false });
    for (const key of ['address', 'city', 'message', 'district', 'locale'] as const) {
      expect(parsed[key]).toBeUndefined();
    }
  });

  it.each([
    ['on', true],
    ['true', true],
    ['yes', true],
    ['1', true],
    ['ON', true],
    ['off', false],
    ['', false],
    [true, true],
    [false, false],
  ])('consent {updates: %j} → %s', (updates, expected) => {
    expect(parseActionBody({ ...VALID, consent: { updates } }, { address: false, city: false }).consent).toEqual({ updates: expected });
  });

  it('an unticked box (consent with no updates) → updates false', () => {
    expect(parseActionBody({ ...VALID, consent: {} }, { address: false, city: false }).consent).toEqual({ updates: false });
  });

  it('no consent at all → undefined', () => {
    expect(parseActionBody(VALID, { address: false, city: false }).consent).toBeUndefined();
  });

  it('missing firstName and email → validation_failed naming both', () => {
    const { firstName: _f, email: _e, ...rest } = VALID;
    const error = validationError(rest);
    expect(Object.keys(error.details.fields ?? {}).sort()).toEqual(['email', 'firstName']);
    expect(error.details.fields).toEqual({ firstName: 'required', email: 'required' });
  });

  it.each([
    ['blank first name', { firstName: '   ' }, 'firstName'],
    ['blank last name', { lastName: '' }, 'lastName'],
    ['blank postal code', { postalCode: '' }, 'postalCode'],
    ['first name that is not text', { firstName: 42 }, 'firstName'],
    ['first name too long', { firstName: 'x'.repeat(101) }, 'firstName'],
    ['address too long', { address: 'x'.repeat(201) }, 'address'],
    ['consent not an object', { consent: 'yes' }, 'consent'],
  ])('%s → fields.%s', (_what, change, field) => {
    const error = validationError({ ...VALID, ...change });
    expect(error.details.fields?.[field]).toEqual(expect.any(String));
  });

  it.each(['marie', 'marie@', '@example.org', 'marie@example', 'marie example@example.org', 'a@b@c.org'])('bad email %j → fields.email', (email) => {
    const error = validationError({ ...VALID, email });
    expect(error.details.fields).toEqual({ email: 'invalid' });
  });

  it('a 2,000-character paragraph is fine, 2,001 is not', () => {
    expect(parseActionBody({ ...VALID, message: 'a'.repeat(2000) }, { address: false, city: false }).message).toHaveLength(2000);
    const error = validationError({ ...VALID, message: 'a'.repeat(2001) });
    expect(error.details.fields).toEqual({ message: 'too_long' });
  });

  it('locale "de" → fields.locale', () => {
    const error = validationError({ ...VALID, locale: 'de' });
    expect(Object.keys(error.details.fields ?? {})).toEqual(['locale']);
  });

  it('ignores fields it does not know', () => {
    const parsed = parseActionBody({ ...VALID, isAdmin: true }, { address: false, city: false });
    expect(parsed).not.toHaveProperty('isAdmin');
  });

  it.each([[null], [undefined], [[]], [[VALID]], ['firstName=Marie'], [42], [true]])('a non-object body %j → validation_failed', (body) => {
    validationError(body);
  });
});

describe('the postal code', () => {
  it('is checked with everything else: one answer lists it beside the other problems', () => {
    try {
      parseActionBody({ ...VALID, postalCode: '12345', email: 'nope' }, { address: false, city: false });
      throw new Error('expected a validation error');
    } catch (error) {
      expect((error as AppError).code).toBe('validation_failed');
      expect((error as AppError).details.fields).toEqual({ postalCode: 'invalid', email: 'invalid' });
    }
  });

  it('alone keeps its own code, invalid_postal_code', () => {
    try {
      parseActionBody({ ...VALID, postalCode: 'D1A 1A1' }, { address: false, city: false });
      throw new Error('expected an error');
    } catch (error) {
      expect((error as AppError).code).toBe('invalid_postal_code');
      expect((error as AppError).details.fields).toEqual({ postalCode: 'invalid' });
    }
  });
});

describe('campaigns that require the address', () => {
  it('report a missing address and city together with the other problems', () => {
    try {
      parseActionBody({ firstName: 'Ana', email: 'nope', postalCode: 'K1A 0A6' }, { address: true, city: true });
      throw new Error('expected a validation error');
    } catch (error) {
      expect((error as AppError).details.fields).toEqual({ lastName: 'required', email: 'invalid', address: 'required', city: 'required' });
    }
  });
});
