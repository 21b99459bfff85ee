-- The riding a supporter typed or picked while Represent could not answer: only used to choose
-- among Represent's ridings once it answers. `district` holds only a riding Represent gave, so
-- text that matches none of them never reaches stats, the dashboard or exports.
ALTER TABLE actions ADD COLUMN district_choice text;
