// What makes a campaign's page look like its organisation's: the accent colour as a small
// stylesheet (the pages allow no inline style), and the uploaded images at the width a browser
// asks for. Both are cached by browsers: an image's address is its content's hash, and the
// stylesheet's carries the campaign version.
import { Router } from 'express';
import { IMAGE_FORMATS, IMAGE_WIDTHS, type CampaignImages, type ImageFormat } from '../../adapters/campaigns/campaignImages';
import { darkerShade } from '../../domain/accentColour';
import type { Campaign, CampaignImage, Locale } from '../../domain/campaign';
import { AppError } from '../../domain/errors';
import type { CampaignCatalog } from '../../domain/ports';
import { param } from '../requestParts';

export interface LookDeps {
  campaigns: CampaignCatalog;
  images: CampaignImages;
}

/** An uploaded image as a page shows it: a JPEG fallback and a WebP `srcset`. */
export function pictureOf(image: CampaignImage, locale: Locale, sizes: string) {
  const at = (width: number, format: ImageFormat) => `/images/${image.image}/${width}.${format}`;
  return {
    alt: image.alt[locale],
    src: at(IMAGE_WIDTHS[1], 'jpeg'),
    webp: IMAGE_WIDTHS.map((w) => `${at(w, 'webp')} ${w}w`).join(', '),
    jpeg: IMAGE_WIDTHS.map((w) => `${at(w, 'jpeg')} ${w}w`).join(', '),
    sizes,
  };
}

/** The stylesheet link of a campaign with an accent colour; null keeps the default look. */
export const lookStylesheet = (campaign: Campaign): string | null =>
  campaign.look.accentColour ? `/campaigns/${campaign.slug}/look.css?v=${campaign.version ?? 0}` : null;

export function campaignLook(deps: LookDeps): Router {
  const router = Router();

  router.get('/campaigns/:slug/look.css', (req, res) => {
    const accent = deps.campaigns.get(param(req.params.slug)).look.accentColour;
    // The colour was checked when published (#rrggbb only): nothing else can reach this text.
    const css = accent ? `:root { --accent: ${accent}; --accent-dark: ${darkerShade(accent)}; --band: ${accent}; }\n` : '';
    res.type('text/css').set('Cache-Control', 'public, max-age=86400').send(css);
  });

  router.get('/images/:id/:file', async (req, res) => {
    const id = param(req.params.id);
    const file = /^(\d{1,5})\.(webp|jpeg)$/.exec(param(req.params.file));
    if (!/^[a-f0-9]{16}$/.test(id) || !file || !(IMAGE_FORMATS as readonly string[]).includes(file[2])) throw new AppError('not_found');
    const bytes = await deps.images.variant(id, Number(file[1]), file[2] as ImageFormat);
    if (!bytes) throw new AppError('not_found');
    res.type(`image/${file[2]}`).set('Cache-Control', 'public, max-age=31536000, immutable').send(bytes);
  });
  return router;
}
