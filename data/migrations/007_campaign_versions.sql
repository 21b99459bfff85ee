-- Campaigns live in the database. Each publish is a new, immutable version (what letters were
-- written from can always be shown); a campaign has at most one draft being edited. Campaign
-- folders under CAMPAIGNS_DIR are imported once, as version 1.
CREATE TABLE campaign_versions (
  slug text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  definition jsonb NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by text NOT NULL,
  PRIMARY KEY (slug, version)
);

CREATE FUNCTION campaign_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'campaign_versions are immutable: publish a new version';
END $$;
CREATE TRIGGER campaign_versions_no_update BEFORE UPDATE ON campaign_versions
  FOR EACH ROW EXECUTE FUNCTION campaign_versions_immutable();

CREATE TABLE campaign_drafts (
  slug text PRIMARY KEY,
  definition jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL
);

-- The version each action was written from (null: before versions existed).
ALTER TABLE actions ADD COLUMN campaign_version integer;
