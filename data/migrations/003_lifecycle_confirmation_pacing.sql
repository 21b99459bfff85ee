-- Campaign lifecycle, email confirmation, per-target pacing, retention.

-- A campaigner's switch (open / paused / closed) from the dashboard. The most recent decision
-- wins over the definition's status and dates (see domain/campaignLifecycle.ts).
CREATE TABLE campaign_switches (
  id            bigserial PRIMARY KEY,
  campaign_slug text NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'paused', 'closed')),
  at            timestamptz NOT NULL DEFAULT now(),
  by            text NOT NULL
);
CREATE INDEX campaign_switches_latest ON campaign_switches (campaign_slug, at DESC, id DESC);

-- Confirmation: a campaign with `confirm: true` holds an action's letters until the supporter
-- confirms by email. confirmed_at is set at once for campaigns that do not ask; the public
-- counter counts confirmed actions only.
ALTER TABLE actions ADD COLUMN confirmed_at timestamptz;
ALTER TABLE actions ADD COLUMN confirm_token text;             -- secret sent only by email
ALTER TABLE actions ADD COLUMN confirm_expires_at timestamptz; -- unconfirmed actions are deleted after this
UPDATE actions SET confirmed_at = created_at;
CREATE UNIQUE INDEX actions_confirm_token ON actions (confirm_token) WHERE confirm_token IS NOT NULL;
CREATE INDEX actions_unconfirmed ON actions (confirm_expires_at) WHERE confirmed_at IS NULL;
CREATE INDEX actions_campaign_confirmed ON actions (campaign_slug) WHERE confirmed_at IS NOT NULL;

-- Petition signatures whose riding could not be looked up yet (Represent down at signing).
ALTER TABLE actions ADD COLUMN district_pending boolean NOT NULL DEFAULT false;
CREATE INDEX actions_district_pending ON actions (created_at) WHERE district_pending;

-- The confirmation email to the supporter: sent by the worker, once.
ALTER TABLE actions ADD COLUMN confirm_sent_at timestamptz;
-- What an unconfirmed action's supporter typed (name, address…): applied to a known supporter's
-- row only once confirmed, since anyone can type anyone's email. Deleted with the action.
ALTER TABLE actions ADD COLUMN pending_details jsonb;

-- Pacing: when a letter is planned to go (null = as soon as possible), and each target's next free slot.
ALTER TABLE letters ADD COLUMN planned_at timestamptz;
CREATE TABLE target_slots (
  target_key text PRIMARY KEY,          -- campaign + recipient address
  next_free  timestamptz                -- null until its first letter is planned
);

-- Maintenance that must run once per period across all workers (retention, expiry).
CREATE TABLE maintenance_runs (
  name        text PRIMARY KEY,
  last_run_at timestamptz NOT NULL
);
