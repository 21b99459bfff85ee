// Never a third-party captcha: a field no person sees (bots fill it) and the time the form was
// shown, signed by the service (adapters/formStamps.ts), so it cannot be made up or used twice.
// Both hold on the no-JavaScript form and on the JSON API the page's script uses. A JSON request
// without a stamp (a script, an embed) is still served: the rate limits hold it to a stricter
// allowance. A person caught by mistake sends the form again; a stamp whose submission failed is
// given back, so the supporter can correct it and send again.
import type { Response } from 'express';
import type { FormStamps } from '../adapters/formStamps';
import { httpError } from './errorCodes';

export async function checkNotABot(stamps: FormStamps, body: unknown, res: Response, options: { stampRequired: boolean }): Promise<void> {
  const { faxNumber, shownAt } = (body ?? {}) as Record<string, unknown>;
  if (typeof faxNumber === 'string' && faxNumber.trim() !== '') throw httpError('try_again', { internal: 'the hidden field was filled' });
  if (typeof shownAt !== 'string') {
    if (options.stampRequired) throw httpError('try_again', { internal: 'no form stamp' });
    return;
  }
  const check = await stamps.claim(shownAt);
  if (check !== 'ok') throw httpError('try_again', { internal: `form stamp ${check}` });
  res.on('finish', () => {
    if (res.statusCode >= 400) void stamps.release(shownAt);
  });
}
