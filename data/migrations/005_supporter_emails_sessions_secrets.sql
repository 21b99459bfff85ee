-- Emails to a supporter about their own action (not letters): the receipt of a new action (a copy
-- of its letters and the status link) and the note to a mailbox that acted already. Stored like
-- letters so none is lost while Redis or SendGrid is away; never counted as letters.
CREATE TABLE supporter_emails (
  -- The email's id: its job id, its outbox file's name, the custom arg SendGrid echoes.
  id text PRIMARY KEY,
  action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('receipt', 'duplicate')),
  -- The language of the request that caused it (a duplicate's may differ from the action's).
  locale text CHECK (locale IN ('en', 'fr')),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
-- For erasure, expiry and retention (and the cascade when an action is deleted). No index for the
-- sweeper's look for unsent ones: it is a small scan twice a minute, where an index would be work
-- on every submission.
CREATE INDEX supporter_emails_action ON supporter_emails (action_id);

-- Dashboard sessions, so that logging out ends one for good and an admin can end them all.
CREATE TABLE admin_sessions (
  -- SHA-256 of the session's secret (the cookie holds the secret, never stored).
  id_hash text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);

-- Secrets the service makes for itself once (the form's signing key), shared by every process.
CREATE TABLE service_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
