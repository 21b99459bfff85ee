-- Supporters, their actions, the letters written for them, what happened to each letter,
-- and the consent each supporter gave. Personal data lives here and nowhere else.

CREATE TABLE supporters (
  id          uuid PRIMARY KEY,
  email       text NOT NULL,                 -- as typed (lower-cased): replies go here
  email_key   text NOT NULL UNIQUE,          -- canonical (no +tag; no dots at Gmail): one person, one row
  first_name  text NOT NULL,
  last_name   text NOT NULL,
  address     text,
  city        text,
  province    text,
  postal_code text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE actions (
  id            uuid PRIMARY KEY,
  campaign_slug text NOT NULL,
  supporter_id  uuid NOT NULL REFERENCES supporters (id) ON DELETE CASCADE,
  token         text NOT NULL,               -- the status link's secret
  locale        text NOT NULL,
  postal_code   text NOT NULL,
  province      text,
  district      text,                        -- the chosen or found federal riding
  message       text,                        -- the supporter's own paragraph
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_slug, supporter_id)       -- one action per email per campaign
);
CREATE INDEX actions_campaign_created ON actions (campaign_slug, created_at);

CREATE TABLE consents (
  id             bigserial PRIMARY KEY,
  supporter_id   uuid NOT NULL REFERENCES supporters (id) ON DELETE CASCADE,
  action_id      uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
  campaign_slug  text NOT NULL,
  purpose        text NOT NULL,              -- send_letter | updates
  granted        boolean NOT NULL,
  wording        text NOT NULL,              -- exactly what was shown
  wording_sha256 text NOT NULL,
  locale         text NOT NULL,
  page_url       text,
  ip             text,
  user_agent     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  withdrawn_at   timestamptz
);

CREATE TABLE letters (
  id                  uuid PRIMARY KEY,
  action_id           uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
  campaign_slug       text NOT NULL,
  target_id           text NOT NULL,
  position            smallint NOT NULL,     -- the target's place in the campaign definition
  locale              text NOT NULL,
  recipient_name      text,                  -- null while the MP is being looked up
  recipient_role      text NOT NULL,
  recipient_email     text,
  district            text,
  subject             text,                  -- the letter exactly as sent
  body_text           text,
  body_html           text,
  status              text NOT NULL,
  status_reason       text,
  provider_message_id text,                  -- SendGrid's X-Message-Id
  attempts            integer NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX letters_action ON letters (action_id);
CREATE INDEX letters_status_updated ON letters (status, updated_at);
CREATE INDEX letters_campaign_status ON letters (campaign_slug, status);
CREATE INDEX letters_provider_message ON letters (provider_message_id);

-- Append-only: every status change of a letter, and notes such as a scheduled retry.
CREATE TABLE letter_events (
  id        bigserial PRIMARY KEY,
  letter_id uuid NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
  type      text NOT NULL,
  reason    text,
  at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX letter_events_letter ON letter_events (letter_id, id);

CREATE FUNCTION letter_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'letter_events is append-only';
END;
$$;
CREATE TRIGGER letter_events_no_update BEFORE UPDATE ON letter_events
  FOR EACH ROW EXECUTE FUNCTION letter_events_append_only();
