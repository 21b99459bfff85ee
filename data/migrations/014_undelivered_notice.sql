-- When a letter does not arrive (bounced, or dropped for good), its supporter gets one email
-- saying which office did not receive it, how else to reach it, and where to print their letter.
ALTER TABLE supporter_emails DROP CONSTRAINT supporter_emails_kind_check;
ALTER TABLE supporter_emails ADD CONSTRAINT supporter_emails_kind_check CHECK (kind IN ('receipt', 'duplicate', 'undelivered'));
ALTER TABLE supporter_emails ADD COLUMN letter_id uuid REFERENCES letters (id) ON DELETE CASCADE;
