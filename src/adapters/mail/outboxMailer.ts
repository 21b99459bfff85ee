// With no SendGrid account, letters are written to DATA_DIR/outbox as .eml files (open them in
// any mail program), so a fresh install works end to end without sending anything. Those files
// hold personal data: an erasure, an expiry or the retention scrub removes them (outboxCopies).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { LetterToSend, MailCopies, Mailer } from '../../domain/ports';
import { MailError } from '../../domain/ports';

export function outboxMailer(options: { dir: string; from: { name: string | undefined; email: string } }): Mailer {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(letter: LetterToSend) {
      const messageId = `outbox-${randomUUID()}`;
      try {
        const info = await composer.sendMail({
          from: { name: letter.fromName ?? options.from.name ?? '', address: options.from.email },
          to: { name: letter.to.name, address: letter.to.email },
          replyTo: { name: letter.replyTo.name, address: letter.replyTo.email },
          subject: letter.subject,
          text: letter.text,
          html: letter.html,
          messageId: `<${messageId}@dearmp.local>`,
          headers: { 'X-Letter-Id': letter.id },
        });
        await fs.mkdir(options.dir, { recursive: true });
        // Written aside, then renamed: whoever opens the outbox (a person, an erasure) sees a whole file or none.
        const file = path.join(options.dir, `${letter.id}.eml`);
        await fs.writeFile(`${file}.part`, info.message as Buffer);
        await fs.rename(`${file}.part`, file);
      } catch (error) {
        throw new MailError('unavailable', `Could not write to the outbox: ${(error as Error).message}`);
      }
      return { messageId };
    },
  };
}

/**
 * The outbox's copies, named by letter or email id. Used whichever mailer sends now: files written
 * before SENDGRID_API_KEY was set hold personal data too.
 */
export function outboxCopies(dir: string): MailCopies {
  return {
    async forget(ids) {
      let removed = 0;
      for (const id of ids) {
        await fs.rm(path.join(dir, `${id}.eml`)).then(
          () => (removed += 1),
          () => undefined,
        );
        // A copy a crash left half-written holds the same data.
        await fs.rm(path.join(dir, `${id}.eml.part`), { force: true }).catch(() => undefined);
      }
      return removed;
    },
  };
}
