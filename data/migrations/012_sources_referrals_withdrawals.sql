-- Where supporters came from, and what their shares brought: kept per action, apart from the
-- consent record (which keeps the raw page address as evidence).
ALTER TABLE actions ADD COLUMN referral_code text;  -- this action's own code, in its supporter's share links
ALTER TABLE actions ADD COLUMN referred_by text;    -- the code of the share link the action came through
ALTER TABLE actions ADD COLUMN source jsonb;        -- {utm_source, utm_medium, utm_campaign, utm_content, src}, each checked and bounded
CREATE UNIQUE INDEX actions_referral_code ON actions (referral_code) WHERE referral_code IS NOT NULL;
CREATE INDEX actions_referred_by ON actions (referred_by) WHERE referred_by IS NOT NULL;
