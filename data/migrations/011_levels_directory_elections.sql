-- Every level of government: which office each letter goes to, and how old its lookup is.
ALTER TABLE letters ADD COLUMN level text;               -- federal | provincial | municipal; null for a fixed target
ALTER TABLE letters ADD COLUMN office text;              -- Represent's elected_office: MP, MPP, MNA, Mayor, Councillor…
ALTER TABLE letters ADD COLUMN legislature text;         -- federal, provincial:ON…: what a dissolution holds
ALTER TABLE letters ADD COLUMN looked_up_at timestamptz; -- when Represent gave the answer the letter was written from
ALTER TABLE letters ADD COLUMN lookup_fresh_after timestamptz; -- after an election: only a newer answer will do
-- Letters written before levels existed: those with a riding, or waiting for one, are MP letters.
UPDATE letters SET level = 'federal', office = 'MP', legislature = 'federal', looked_up_at = created_at
 WHERE district IS NOT NULL OR status = 'awaiting_lookup';
CREATE INDEX letters_legislature_status ON letters (legislature, status) WHERE legislature IS NOT NULL;
CREATE INDEX letters_recipient_email ON letters (lower(recipient_email));

-- Every Represent answer, shared by all campaigns; no supporter in it.
CREATE TABLE postcode_directory (
  postal_code text PRIMARY KEY,          -- compact: K1A0A6
  answer      jsonb,                     -- null: Represent does not know the code
  fetched_at  timestamptz NOT NULL
);

-- Dissolutions and elections, per legislature (federal, provincial:ON…); no row = sitting.
CREATE TABLE legislatures (
  id            text PRIMARY KEY,
  status        text NOT NULL CHECK (status IN ('sitting', 'dissolved')),
  election_date date,
  changed_at    timestamptz NOT NULL DEFAULT now(),
  changed_by    text NOT NULL
);

-- A representative's address that bounced, and the one to use instead, for every campaign.
CREATE TABLE address_corrections (
  bounced_email text PRIMARY KEY,        -- lower case
  email         text NOT NULL,
  set_by        text NOT NULL,
  set_at        timestamptz NOT NULL DEFAULT now()
);
