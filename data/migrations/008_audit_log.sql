-- Who did what on the campaigners' side, and when: publishing (with what changed), copying,
-- rolling back, pausing or closing, retrying, exporting, erasing. Never a supporter's data: an
-- erasure is recorded without whose it was.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  campaign_slug text,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_campaign ON audit_log (campaign_slug, id DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
