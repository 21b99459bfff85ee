// Campaign definitions in PostgreSQL: immutable published versions, and one draft per campaign.
import type { CampaignDefinitions, StoredVersion } from '../../domain/ports';
import type { Db } from '../db';

interface VersionRow {
  slug: string;
  version: number;
  definition: Record<string, unknown>;
  published_at: Date;
  published_by: string;
}

const asVersion = (r: VersionRow): StoredVersion => ({
  slug: r.slug,
  version: r.version,
  definition: r.definition,
  publishedAt: r.published_at,
  publishedBy: r.published_by,
});

export function campaignVersionsRepo(db: Db): CampaignDefinitions {
  const publishOnce = (slug: string, definition: Record<string, unknown>, by: string, options: { keepDraft?: boolean }) =>
    db.transaction(async (tx) => {
      const { rows } = await tx.query<{ version: number }>(
        `INSERT INTO campaign_versions (slug, version, definition, published_by)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3 FROM campaign_versions WHERE slug = $1
         RETURNING version`,
        [slug, JSON.stringify(definition), by],
      );
      if (!options.keepDraft) await tx.query('DELETE FROM campaign_drafts WHERE slug = $1', [slug]);
      return rows[0].version;
    });
  return {
    async latestVersions() {
      const { rows } = await db.query<{ slug: string; version: number }>('SELECT slug, max(version)::int AS version FROM campaign_versions GROUP BY slug ORDER BY slug');
      return rows;
    },
    async version(slug, version) {
      const { rows } = await db.query<VersionRow>(
        version === 'latest'
          ? 'SELECT * FROM campaign_versions WHERE slug = $1 ORDER BY version DESC LIMIT 1'
          : 'SELECT * FROM campaign_versions WHERE slug = $1 AND version = $2',
        version === 'latest' ? [slug] : [slug, version],
      );
      return rows[0] ? asVersion(rows[0]) : null;
    },
    async versions(slug) {
      const { rows } = await db.query<VersionRow>('SELECT slug, version, published_at, published_by, NULL::jsonb AS definition FROM campaign_versions WHERE slug = $1 ORDER BY version', [slug]);
      return rows.map(asVersion);
    },
    async draft(slug) {
      const { rows } = await db.query<{ definition: Record<string, unknown> }>('SELECT definition FROM campaign_drafts WHERE slug = $1', [slug]);
      return rows[0]?.definition ?? null;
    },
    async draftRevision(slug) {
      const { rows } = await db.query<{ revision: string }>('SELECT updated_at::text AS revision FROM campaign_drafts WHERE slug = $1', [slug]);
      return rows[0]?.revision ?? null;
    },
    async saveDraft(slug, definition, by, expected) {
      // Without `expected`, the last save wins (the API's PUT); with it, only over that revision.
      const { rows } = await db.query(
        `INSERT INTO campaign_drafts (slug, definition, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (slug) DO UPDATE SET definition = EXCLUDED.definition, updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp()
           WHERE $4::boolean OR campaign_drafts.updated_at::text = $5
         RETURNING slug`,
        [slug, JSON.stringify(definition), by, expected === undefined, expected ?? ''],
      );
      // A new draft when the editor expected none is fine; one that appeared meanwhile is refused above.
      return rows.length > 0;
    },
    async createDraft(slug, definition, by) {
      // Taken when a draft or a published version has the slug; one statement, so two creators cannot both win.
      const { rows } = await db.query(
        `INSERT INTO campaign_drafts (slug, definition, updated_by)
         SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM campaign_versions WHERE slug = $1)
         ON CONFLICT (slug) DO NOTHING RETURNING slug`,
        [slug, JSON.stringify(definition), by],
      );
      return rows.length > 0;
    },
    async publish(slug, definition, by, options = {}) {
      // Two campaigners publishing at once both compute the same next version: the second's
      // insert fails on the primary key, and is tried again with the one after.
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await publishOnce(slug, definition, by, options);
        } catch (error) {
          if (attempt >= 4 || (error as { code?: string }).code !== '23505') throw error;
        }
      }
    },
    async importIfMissing(slug, definition) {
      const { rows } = await db.query(
        `INSERT INTO campaign_versions (slug, version, definition, published_by) VALUES ($1, 1, $2, 'import from CAMPAIGNS_DIR')
         ON CONFLICT (slug, version) DO NOTHING RETURNING version`,
        [slug, JSON.stringify(definition)],
      );
      return rows.length > 0;
    },
    async summaries() {
      const { rows } = await db.query<{ slug: string; published_version: number | null; has_draft: boolean; actions: number }>(
        `WITH slugs AS (SELECT slug FROM campaign_versions UNION SELECT slug FROM campaign_drafts)
         SELECT s.slug,
                (SELECT max(version)::int FROM campaign_versions v WHERE v.slug = s.slug) AS published_version,
                EXISTS (SELECT 1 FROM campaign_drafts d WHERE d.slug = s.slug) AS has_draft,
                (SELECT count(*)::int FROM actions a WHERE a.campaign_slug = s.slug) AS actions
           FROM slugs s ORDER BY s.slug`,
      );
      return rows.map((r) => ({ slug: r.slug, publishedVersion: r.published_version, hasDraft: r.has_draft, actions: r.actions }));
    },
  };
}
