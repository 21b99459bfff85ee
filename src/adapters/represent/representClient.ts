// The HTTP side of Represent (axios): one GET per postal code, with a timeout, and every way it
// can fail mapped to the contract's errors. No caching or limiting here: see representFinder.ts.
import axios, { type AxiosInstance } from 'axios';
import { AppError } from '../../domain/errors';
import { compactPostalCode } from '../../domain/postalCode';
import type { RepresentPostcode } from './parse';

export interface RepresentClient {
  /** The raw answer for a normalised postal code; throws `postal_code_not_found` or `lookup_unavailable`. */
  postcode(postalCode: string): Promise<RepresentPostcode>;
}

export function representClient(options: { baseUrl: string; timeoutMs: number; userAgent: string }): RepresentClient {
  const http: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    headers: { Accept: 'application/json', 'User-Agent': options.userAgent },
    // Status codes are ours to interpret; HTML bodies (404, nginx pages) stay text.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    maxRedirects: 3,
  });

  return {
    async postcode(postalCode) {
      let response;
      try {
        // Represent wants upper case, no space, and the trailing slash (else a 301).
        response = await http.get<string>(`/postcodes/${compactPostalCode(postalCode)}/`);
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'network error';
        throw unavailable(`Represent did not answer (${code}).`);
      }
      if (response.status === 404) {
        throw notFound();
      }
      if (response.status === 429 || response.status === 503) {
        // Without a Retry-After, the lookups queue backs off on its own schedule.
        throw unavailable(`Represent is over its request limit (HTTP ${response.status}).`, retryAfter(response.headers['retry-after']) ?? undefined);
      }
      if (response.status !== 200) throw unavailable(`Represent answered HTTP ${response.status}.`);
      try {
        const body = JSON.parse(response.data) as unknown;
        if (body && typeof body === 'object' && !Array.isArray(body)) return body as RepresentPostcode;
      } catch {
        // A maintenance or proxy page served with 200.
      }
      throw unavailable('Represent answered with something other than JSON.');
    },
  };
}

export const unavailable = (internal: string, retryAfterSeconds?: number): AppError =>
  new AppError('lookup_unavailable', LOOKUP_UNAVAILABLE, { retryAfterSeconds, internal });

const LOOKUP_UNAVAILABLE =
  'We cannot look up Members of Parliament right now. You can still send your letter: we will find your MP and send it shortly.';

export const notFound = (): AppError =>
  new AppError('postal_code_not_found', 'We could not find this postal code. Check it, or try another nearby.');

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfter(header: unknown): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.min(3600, Math.max(1, Math.ceil(seconds))) : null;
}
