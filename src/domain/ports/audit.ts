// The campaigners' audit log: who did what, when (never a supporter's data).
export type AuditAction =
  | 'create' | 'copy' | 'publish' | 'rollback' | 'switch' | 'retry' | 'export' | 'erase'
  | 'invite' | 'change_role' | 'remove_account' | 'create_token' | 'revoke_token'
  | 'dissolve' | 'sitting' | 'correct_address' | 'move_letters';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: AuditAction;
  campaignSlug: string | null;
  detail: Record<string, unknown>;
}

export interface AuditLog {
  record(entry: Omit<AuditEntry, 'at'>): Promise<void>;
  /** Newest first: a campaign's entries and those of no campaign (erasures). */
  recent(campaignSlug: string, limit: number): Promise<AuditEntry[]>;
}
