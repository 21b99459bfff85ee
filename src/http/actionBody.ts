// The body of POST /api/campaigns/:slug/actions, from JSON or from the no-JavaScript form.
import { z } from 'zod';
import { AppError } from '../domain/errors';
import type { ActionInput } from '../domain/submitAction';

// Forms send "" for an empty optional field, and "on" for a ticked box.
const optionalText = (max: number, tooLong: string) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max, tooLong).optional());
const requiredText = (max: number, missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, `Keep this under ${max} characters.`);
const ticked = z.preprocess((v) => (typeof v === 'string' ? ['on', 'true', '1', 'yes'].includes(v.toLowerCase()) : v), z.boolean());

const schema = z.object({
  firstName: requiredText(100, 'Enter your first name.'),
  lastName: requiredText(100, 'Enter your last name.'),
  email: z
    .string({ error: 'Enter your email address.' })
    .trim()
    .min(1, 'Enter your email address.')
    .max(254, 'This email address is too long.')
    .pipe(z.email('Enter an email address like name@example.com.')),
  postalCode: requiredText(20, 'Enter your postal code.'),
  address: optionalText(200, 'Keep your address under 200 characters.'),
  city: optionalText(100, 'Keep the city under 100 characters.'),
  message: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().max(2000, 'Keep your paragraph under 2,000 characters.').optional(),
  ),
  district: optionalText(200, 'This riding name is too long.'),
  locale: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['en', 'fr'], { error: 'Choose en or fr.' }).optional()),
  consent: z.object({ updates: ticked.default(false) }, { error: 'consent must be {"updates": true|false}.' }).optional(),
});

export function parseActionBody(body: unknown): ActionInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('validation_failed', 'Send the action as a JSON object or a form.', { fields: {} });
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'body');
    fields[field] ??= issue.message;
  }
  throw new AppError('validation_failed', 'Some fields need your attention.', { fields });
}
