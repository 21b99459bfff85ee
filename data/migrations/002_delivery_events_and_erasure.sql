-- SendGrid's Event Webhook, stored as received (deduplicated), then applied to letters.
CREATE TABLE delivery_events (
  id             bigserial PRIMARY KEY,
  letter_id      uuid REFERENCES letters (id) ON DELETE SET NULL,  -- null when no letter matches
  event          text NOT NULL,              -- processed, delivered, deferred, bounce, dropped, …
  sg_event_id    text,
  sg_message_id  text,
  occurred_at    timestamptz NOT NULL,       -- SendGrid's timestamp
  recipient      text,                       -- the address SendGrid delivered to (an MP or minister)
  reason         text,                       -- bounce/drop reason, deferral response
  payload        jsonb NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  claimed_until  timestamptz,                -- someone is applying it; if they die, it is free again after this
  applied_at     timestamptz                 -- null until the letter's status has been updated from it
);
-- SendGrid retries and repeats: the same event twice is stored once, whichever way it is told apart.
CREATE UNIQUE INDEX delivery_events_sg_event ON delivery_events (sg_event_id) WHERE sg_event_id IS NOT NULL;
CREATE UNIQUE INDEX delivery_events_natural
  ON delivery_events (coalesce(letter_id::text, ''), coalesce(sg_message_id, ''), event, occurred_at, coalesce(recipient, ''));
CREATE INDEX delivery_events_unapplied ON delivery_events (received_at) WHERE applied_at IS NULL;
CREATE INDEX delivery_events_letter ON delivery_events (letter_id);

-- Events in a letter's log carry the time they happened, which may be SendGrid's.
-- (letter_events.at already defaults to now; webhook events set it explicitly.)

-- Erasure keeps counts: the action row stays (campaign, province, riding, date) without its supporter.
ALTER TABLE actions ALTER COLUMN supporter_id DROP NOT NULL;
ALTER TABLE actions ALTER COLUMN postal_code DROP NOT NULL;
ALTER TABLE actions ADD COLUMN erased_at timestamptz;

-- Who erased how much, when: never what was erased.
CREATE TABLE erasures (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  by          text NOT NULL,
  row_counts  jsonb NOT NULL
);

CREATE INDEX letters_campaign_created ON letters (campaign_slug, created_at, id);
