// Letters through SendGrid's v3 Mail Send, with the official client. From is always the
// organisation's verified sender (a supporter's own address in From fails DMARC); the
// supporter goes in Reply-To so the MP's office answers them directly.
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import type { LetterToSend, Mailer } from '../../domain/ports';
import { MailError } from '../../domain/ports';

export interface SendgridOptions {
  apiKey: string;
  apiUrl: string;
  timeoutMs: number;
  from: { name: string | undefined; email: string };
  /** Every answer's HTTP code, or `timeout` / `network` when there was none (for metrics). */
  onAnswer?: (code: string) => void;
}

// SendGrid refuses `;` and `,` in display names.
const displayName = (name: string): string => name.replace(/[;,]/g, ' ').replace(/\s+/g, ' ').trim();

export function sendgridMailer(options: SendgridOptions): Mailer {
  const client = new Client();
  client.setApiKey(options.apiKey);
  // After setApiKey, which resets the base URL to SendGrid's own.
  client.setDefaultRequest('baseUrl', options.apiUrl);
  const mail = new MailService();
  mail.setClient(client);
  mail.setTimeout(options.timeoutMs);

  return {
    async send(letter: LetterToSend) {
      try {
        const [response] = await mail.send({
          from: { email: options.from.email, ...((letter.fromName ?? options.from.name) ? { name: displayName(letter.fromName ?? options.from.name ?? '') } : {}) },
          to: { email: letter.to.email, name: displayName(letter.to.name) },
          replyTo: { email: letter.replyTo.email, name: displayName(letter.replyTo.name) },
          subject: letter.subject,
          text: letter.text,
          html: letter.html,
          // The letter id only: custom args are stored by SendGrid as "not personal data".
          customArgs: { letter_id: letter.id },
          trackingSettings: {
            clickTracking: { enable: false, enableText: false },
            openTracking: { enable: false },
            subscriptionTracking: { enable: false },
          },
        });
        options.onAnswer?.(String(response.statusCode));
        const messageId = response.headers['x-message-id'];
        return { messageId: typeof messageId === 'string' && messageId ? messageId : `sendgrid-${letter.id}` };
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        options.onAnswer?.(typeof code === 'number' ? String(code) : code === 'ECONNABORTED' ? 'timeout' : 'network');
        throw classify(error);
      }
    },
  };
}

interface SendgridFailure {
  code?: number | string;
  message?: string;
  response?: { headers?: Record<string, string>; body?: unknown };
}

/** Failures before the request could leave: SendGrid certainly does not have the letter. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

/** SendGrid's answer → what to do with the letter (see DESIGN.md, "How a letter travels" step 5). */
export function classify(error: unknown, now = Date.now()): MailError {
  const failure = (error ?? {}) as SendgridFailure;
  const status = typeof failure.code === 'number' ? failure.code : undefined;
  if (status === undefined) {
    const code = String(failure.code ?? failure.message ?? 'network error');
    // Refused or unresolvable: nothing left. A timeout or a reset after the request was written:
    // SendGrid may have taken it, so it must not simply be sent again.
    if (NOT_SENT.has(code)) return new MailError('unavailable', `SendGrid could not be reached (${code})`);
    return new MailError('uncertain', `SendGrid did not answer (${code})`);
  }
  const reason = `SendGrid ${status}: ${errorText(failure.response?.body) ?? failure.message ?? 'error'}`;
  if (status === 429) return new MailError('rate_limited', reason, throttledFor(failure.response?.headers ?? {}, now));
  // 401/403 are our configuration (key, sender identity), not the letter: hold every letter.
  if (status === 401 || status === 403) return new MailError('misconfigured', reason);
  if (status === 400 || status === 413 || status === 404 || status === 405) return new MailError('rejected', reason);
  return new MailError('unavailable', reason);
}

/**
 * How long a 429 asks us to wait: `Retry-After` (seconds or a date) or `X-RateLimit-Reset` (Unix
 * seconds), whichever ends later; a second when neither says.
 */
export function throttledFor(headers: Record<string, string>, now = Date.now()): number {
  const retryAfter = headers['retry-after']?.trim();
  const afterMs = !retryAfter ? NaN : /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - now;
  const reset = Number(headers['x-ratelimit-reset']);
  const resetMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 - now : NaN;
  const waits = [afterMs, resetMs].filter((ms) => Number.isFinite(ms));
  // An hour at most: a bad header must not hold every letter for days.
  return waits.length === 0 ? 1000 : Math.min(3_600_000, Math.max(1000, ...waits));
}

function errorText(body: unknown): string | undefined {
  const errors = (body as { errors?: Array<{ message?: string; field?: string | null }> } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map((e) => (e.field ? `${e.message} (${e.field})` : e.message)).join('; ');
}
