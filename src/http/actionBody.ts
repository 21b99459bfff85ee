// The body of POST /api/campaigns/:slug/actions, from JSON or from the no-JavaScript form.
import { z } from 'zod';
import { AppError, type FieldProblem } from '../domain/errors';
import { invalidPostalCode } from '../domain/composeLetters';
import { normalisePostalCode } from '../domain/postalCode';
import { cleanReferral, cleanSource } from '../domain/sources';
import type { ActionInput } from '../domain/submitAction';

/** How an action's body may be read, by the API and by the no-JavaScript form alike (API.md: 413 over 16 KB). */
export const ACTION_BODY_LIMITS = { limit: '16kb', parameterLimit: 50 } as const;

const PROBLEMS = new Set<string>(['required', 'invalid', 'too_long']);

// Forms send "" for an empty optional field, and "on" for a ticked box.
// Messages are problem keys (FieldProblem); http/messages.ts words them in the supporter's language.
// Control characters have no place in a name or an address (CR/LF could reach a mail header, NUL
// cannot be stored); the paragraph may keep its line breaks and tabs.
const ONE_LINE = /^[^\u0000-\u001f\u007f]*$/;
const PARAGRAPH = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string({ error: 'invalid' }).trim().max(max, 'too_long').regex(ONE_LINE, 'invalid').optional(),
  );
const requiredText = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : 'invalid') })
    .trim()
    .min(1, 'required')
    .max(max, 'too_long')
    .regex(ONE_LINE, 'invalid');
const ticked = z.preprocess((v) => (typeof v === 'string' ? ['on', 'true', '1', 'yes'].includes(v.toLowerCase()) : v), z.boolean({ error: 'invalid' }));

const base = z.object({
  firstName: requiredText(100),
  lastName: requiredText(100),
  email: requiredText(254).pipe(z.email('invalid')),
  // Checked with the rest, so one answer lists every problem (a lone bad postal code keeps its own code).
  postalCode: requiredText(20).refine((v) => normalisePostalCode(v) !== null, 'invalid'),
  address: optionalText(200),
  city: optionalText(100),
  message: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string({ error: 'invalid' }).max(2000, 'too_long').regex(PARAGRAPH, 'invalid').optional(),
  ),
  district: optionalText(200),
  locale: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['en', 'fr'], { error: 'invalid' }).optional()),
  consent: z.object({ updates: ticked.default(false) }, { error: 'invalid' }).optional(),
  // The targets ticked when the campaign lets the supporter choose: the form sends one value for one box.
  // Where the supporter came from: checked and bounded, a bad value dropped (never an error).
  source: z.unknown().optional().transform((v) => cleanSource(v) ?? undefined),
  ref: z.unknown().optional().transform((v) => cleanReferral(v) ?? undefined),
  targets: z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z.array(z.string({ error: 'invalid' }).max(64, 'invalid'), { error: 'invalid' }).max(20, 'invalid').optional(),
  ),
});

// Campaigns that write to MPs need the street address and city (MP offices answer constituents
// only); petitions need the city. `requiredDetails` (domain) says which.
const withCity = base.extend({ city: requiredText(100) });
const withAddress = withCity.extend({ address: requiredText(200) });

/** Every problem at once, so a supporter fixes the form in one go. */
export function parseActionBody(body: unknown, needs: { address: boolean; city: boolean }): ActionInput {
  const schema = needs.address ? withAddress : needs.city ? withCity : base;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('validation_failed', { fields: {} });
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const fields: Record<string, FieldProblem> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'body');
    fields[field] ??= PROBLEMS.has(issue.message) ? (issue.message as FieldProblem) : 'invalid';
  }
  if (Object.keys(fields).length === 1 && fields.postalCode === 'invalid') throw invalidPostalCode();
  throw new AppError('validation_failed', { fields });
}
