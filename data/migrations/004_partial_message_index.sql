-- Letters get their SendGrid message id only once accepted: index only those. Every letter used to
-- add a NULL entry to this index when it was stored, on the path of every submission; webhook
-- events are matched by equality, which never matches NULL.
DROP INDEX letters_provider_message;
CREATE INDEX letters_provider_message ON letters (provider_message_id) WHERE provider_message_id IS NOT NULL;
