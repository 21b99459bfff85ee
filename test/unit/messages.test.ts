import { ALL_ERROR_CODES } from '../../src/http/errorCodes';
import { errorMessage, fieldMessages, requestLocale } from '../../src/http/messages';

describe('error messages', () => {
  it.each([...ALL_ERROR_CODES])('%s has its own English and French wording', (code) => {
    const english = errorMessage('en', code);
    const french = errorMessage('fr', code);
    expect(english.length).toBeGreaterThan(10);
    expect(french.length).toBeGreaterThan(10);
    expect(french).not.toBe(english);
  });

  it('words field problems for the field, falling back to the problem', () => {
    expect(fieldMessages('en', { firstName: 'required', district: 'too_long', nickname: 'invalid' })).toEqual({
      firstName: 'Enter your first name.',
      district: 'This is too long.',
      nickname: 'This value is not valid.',
    });
    expect(fieldMessages('fr', { postalCode: 'invalid' }).postalCode).toMatch(/code postal canadien/);
  });

  it.each([
    [{ body: { locale: 'fr' }, query: {}, headers: {} }, 'fr'],
    [{ body: {}, query: { lang: 'fr' }, headers: {} }, 'fr'],
    [{ body: {}, query: {}, headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.8' } }, 'fr'],
    [{ body: { locale: 'en' }, query: {}, headers: { 'accept-language': 'fr-CA' } }, 'en'],
    [{ body: undefined, query: {}, headers: { 'accept-language': 'de' } }, 'en'],
  ])('reads the supporter’s language from %j', (req, locale) => {
    expect(requestLocale(req)).toBe(locale);
  });
});
