// The audit log in PostgreSQL (append-only: a trigger refuses updates).
import type { AuditAction, AuditLog } from '../../domain/ports';
import type { Db } from '../db';

export function auditLogRepo(db: Db): AuditLog {
  return {
    async record(entry) {
      await db.query('INSERT INTO audit_log (actor, action, campaign_slug, detail) VALUES ($1, $2, $3, $4)', [
        entry.actor, entry.action, entry.campaignSlug, JSON.stringify(entry.detail),
      ]);
    },
    async recent(campaignSlug, limit) {
      const { rows } = await db.query<{ at: Date; actor: string; action: AuditAction; campaign_slug: string | null; detail: Record<string, unknown> }>(
        `SELECT at, actor, action, campaign_slug, detail FROM audit_log
          WHERE campaign_slug = $1 OR campaign_slug IS NULL ORDER BY id DESC LIMIT $2`,
        [campaignSlug, limit],
      );
      return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, campaignSlug: r.campaign_slug, detail: r.detail }));
    },
  };
}
