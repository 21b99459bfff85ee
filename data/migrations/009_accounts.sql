-- Campaigners' own accounts: each signs in as themselves (an emailed link), with a role. Sessions
-- and personal API tokens belong to an account, so removing the account ends them at once (the
-- checks join the account). Secrets are stored as SHA-256 hashes only.
CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  -- lower(trim(email)): one account per mailbox.
  email_key text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  -- An editor publishes only if an owner allows it.
  may_publish boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  removed_at timestamptz
);

-- Sessions from before accounts were the shared token's: they end here.
UPDATE admin_sessions SET revoked_at = now() WHERE revoked_at IS NULL;
ALTER TABLE admin_sessions ADD COLUMN account_id uuid REFERENCES accounts (id);

-- An emailed sign-in link: one use, a short life.
CREATE TABLE sign_in_links (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  label text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);
