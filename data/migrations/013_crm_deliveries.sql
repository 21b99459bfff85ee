-- What the organisation's CRM is told: each supporter who agreed to updates (once), and each
-- withdrawal and erasure after. Built from the database when posted; only an erasure keeps the
-- address to delete (its supporter is gone), and only until it is delivered.
CREATE TABLE crm_deliveries (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('supporter', 'withdrawal', 'erasure')),
  supporter_id uuid,                  -- no foreign key: an erasure's row outlives its supporter
  action_id    uuid,
  payload      jsonb,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failing', 'cancelled')),
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
-- A supporter is posted once, whatever the number of campaigns they agreed on.
CREATE UNIQUE INDEX crm_deliveries_supporter_once ON crm_deliveries (supporter_id) WHERE kind = 'supporter';
CREATE INDEX crm_deliveries_status ON crm_deliveries (status, id);
