// Campaign definitions as campaigners write them (API.md, *Campaign authoring*): stored versions
// and drafts, and the checker that compiles one (Handlebars lives in the adapters).
import type { Campaign } from '../campaign';
import type { LetterRenderer } from './campaigns';

export type Definition = Record<string, unknown>;

export interface StoredVersion {
  slug: string;
  version: number;
  definition: Definition;
  publishedAt: Date;
  publishedBy: string;
}

export interface CampaignDefinitions {
  /** The newest version of every published campaign: cheap, asked every few seconds. */
  latestVersions(): Promise<Array<{ slug: string; version: number }>>;
  version(slug: string, version: number | 'latest'): Promise<StoredVersion | null>;
  /** Without their definitions. */
  versions(slug: string): Promise<StoredVersion[]>;
  draft(slug: string): Promise<Definition | null>;
  /** The draft's revision (when it was last saved), or null when there is none. */
  draftRevision(slug: string): Promise<string | null>;
  /**
   * Saves the draft. With `expected` (a revision, or null for "no draft yet"), only if the draft is
   * still that one; false when someone saved it meanwhile.
   */
  saveDraft(slug: string, definition: Definition, by: string, expected?: string | null): Promise<boolean>;
  /** False when the slug is taken (a draft or a published version has it). */
  createDraft(slug: string, definition: Definition, by: string): Promise<boolean>;
  /** Stores the next version (and drops the draft, unless told to keep it), in one transaction; returns the version. */
  publish(slug: string, definition: Definition, by: string, options?: { keepDraft?: boolean }): Promise<number>;
  /** Version 1 from a campaign folder, unless the database has the campaign; true when imported. */
  importIfMissing(slug: string, definition: Definition): Promise<boolean>;
  summaries(): Promise<Array<{ slug: string; publishedVersion: number | null; hasDraft: boolean; actions: number }>>;
}

/** A definition checked and compiled: its campaign and a renderer for it alone; or its problems by path. */
export type CheckedDefinition =
  | { ok: true; campaign: Campaign; renderer: LetterRenderer }
  | { ok: false; problems: Record<string, string> };

export interface DefinitionChecker {
  check(definition: unknown): CheckedDefinition;
  /** What a letter template may name (`supporter.city`…). */
  variables: string[];
}
