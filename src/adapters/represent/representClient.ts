// The HTTP side of Represent (axios): one GET per postal code, with a timeout, and every way it
// can answer turned into an outcome (found, unknown code, unavailable). No caching or limiting
// here: see representFinder.ts.
import axios, { type AxiosInstance } from 'axios';
import { compactPostalCode, type PostalCode } from '../../domain/postalCode';
import type { RepresentPostcode } from './parse';

export type RepresentAnswer =
  | { kind: 'found'; body: RepresentPostcode }
  | { kind: 'unknown_code' }
  | { kind: 'unavailable'; retryAfterMs: number | null; why: string };

export interface RepresentClient {
  /** Represent's raw answer for a postal code. */
  postcode(postalCode: PostalCode): Promise<RepresentAnswer>;
}

const unavailable = (why: string, retryAfterMs: number | null = null): RepresentAnswer => ({ kind: 'unavailable', retryAfterMs, why });

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
        return unavailable(`Represent did not answer (${(error as { code?: string }).code ?? 'network error'}).`);
      }
      if (response.status === 404) return { kind: 'unknown_code' };
      if (response.status === 429 || response.status === 503) {
        // Without a Retry-After, the lookups queue backs off on its own schedule.
        const seconds = retryAfter(response.headers['retry-after']);
        return unavailable(`Represent is over its request limit (HTTP ${response.status}).`, seconds === null ? null : seconds * 1000);
      }
      if (response.status !== 200) return unavailable(`Represent answered HTTP ${response.status}.`);
      try {
        const body = JSON.parse(response.data) as unknown;
        if (body && typeof body === 'object' && !Array.isArray(body)) return { kind: 'found', body: body as RepresentPostcode };
      } catch {
        // A maintenance or proxy page served with 200.
      }
      return unavailable('Represent answered with something other than JSON.');
    },
  };
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfter(header: unknown): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.min(3600, Math.max(1, Math.ceil(seconds))) : null;
}
