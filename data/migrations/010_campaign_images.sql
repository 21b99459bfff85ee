-- The organisation's images (logo, hero), uploaded through the editor and kept here, resized,
-- so every web process serves them and nothing is hot-linked. An image's id is a hash of what
-- was uploaded: the same file uploaded twice is one image.
CREATE TABLE campaign_images (
  id text PRIMARY KEY,
  width int NOT NULL,
  height int NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  uploaded_by text NOT NULL
);

CREATE TABLE campaign_image_variants (
  image_id text NOT NULL REFERENCES campaign_images (id),
  width int NOT NULL,
  format text NOT NULL CHECK (format IN ('webp', 'jpeg')),
  bytes bytea NOT NULL,
  PRIMARY KEY (image_id, width, format)
);
