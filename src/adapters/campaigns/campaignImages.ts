// The organisation's images: an upload is checked (a JPEG, PNG or WebP picture, not too big),
// resized with sharp to a few widths in WebP and JPEG, and kept in the database, so any web
// process serves it (`srcset`) and no page points at another site.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { AppError } from '../../domain/errors';
import type { Db } from '../db';

/** The widths pages ask for: a phone, a column, a wide screen. */
export const IMAGE_WIDTHS = [480, 960, 1600] as const;
export const IMAGE_FORMATS = ['webp', 'jpeg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const MAX_PIXELS = 40_000_000;

export interface StoredImage {
  id: string;
  /** The widths it was made in (never wider than the upload). */
  widths: number[];
}

export interface CampaignImages {
  store(upload: Buffer, by: string): Promise<StoredImage>;
  /** The widest variant no wider than asked (an upload smaller than asked has only its own width). */
  variant(id: string, width: number, format: ImageFormat): Promise<Buffer | null>;
}

const widthsFor = (original: number): number[] => {
  const fitting = IMAGE_WIDTHS.filter((w) => w <= original);
  return fitting.length > 0 ? [...fitting] : [original];
};

export function campaignImages(db: Db): CampaignImages {
  return {
    async store(upload, by) {
      let meta: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
      try {
        meta = await sharp(upload, { limitInputPixels: MAX_PIXELS }).metadata();
      } catch {
        throw new AppError('validation_failed', { fields: { image: 'invalid' }, internal: 'not an image sharp can read' });
      }
      if (!meta.format || !['jpeg', 'png', 'webp'].includes(meta.format) || !meta.width || !meta.height) {
        throw new AppError('validation_failed', { fields: { image: 'invalid' }, internal: `format ${meta.format}` });
      }
      const id = createHash('sha256').update(upload).digest('hex').slice(0, 16);
      const widths = widthsFor(meta.width);
      // `rotate()` applies the camera's orientation; the metadata (GPS, camera) is not copied.
      const variants = await Promise.all(
        widths.flatMap((width) =>
          IMAGE_FORMATS.map(async (format) => {
            const resized = sharp(upload, { limitInputPixels: MAX_PIXELS }).rotate().resize({ width, withoutEnlargement: true });
            const bytes = await (format === 'webp' ? resized.webp({ quality: 80 }) : resized.flatten({ background: '#ffffff' }).jpeg({ quality: 82, mozjpeg: true })).toBuffer();
            return { width, format, bytes };
          }),
        ),
      );
      await db.transaction(async (tx) => {
        const { rows } = await tx.query(
          'INSERT INTO campaign_images (id, width, height, uploaded_by) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id',
          [id, meta.width, meta.height, by],
        );
        if (rows.length === 0) return; // the same file again
        for (const v of variants) {
          await tx.query('INSERT INTO campaign_image_variants (image_id, width, format, bytes) VALUES ($1, $2, $3, $4)', [id, v.width, v.format, v.bytes]);
        }
      });
      return { id, widths };
    },
    async variant(id, width, format) {
      const { rows } = await db.query<{ bytes: Uint8Array }>(
        `SELECT bytes FROM campaign_image_variants WHERE image_id = $1 AND format = $3
          ORDER BY (width <= $2) DESC, CASE WHEN width <= $2 THEN -width ELSE width END LIMIT 1`,
        [id, width, format],
      );
      return rows[0] ? Buffer.from(rows[0].bytes) : null;
    },
  };
}
