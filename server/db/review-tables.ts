import type { ColumnType, Generated } from 'kysely';

/** Row types of the review tables (migrations/2026-12-01T1100_review.ts). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type JsonColumn<T> = ColumnType<T, string, string>;

export type ConflictKind = 'competitor' | 'financial_interest' | 'prior_employment' | 'other';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type Ruling = 'persuasive' | 'partially_persuasive' | 'not_persuasive' | 'moot';
export type Outcome = 'sustained' | 'partially_sustained' | 'not_sustained' | 'dismissed_untimely' | 'dismissed_no_standing' | 'withdrawn';
export type DispositionStatus = 'draft' | 'approved' | 'issued' | 'superseded';

/** A staff member's declared commercial conflict with an organization; ended, never deleted. */
export interface ConflictTable {
  id: Generated<string>;
  user_id: string;
  organization_id: string;
  kind: ConflictKind;
  statement: string;
  declared_at: CreatedAt;
  ended_at: Date | null;
}

/** A reviewer on a submission with a due date; reassignment ends it (`ended_at`). */
export interface AssignmentTable {
  id: Generated<string>;
  submission_id: string;
  reviewer_id: string;
  assigned_by: string;
  due_at: Date;
  assigned_at: CreatedAt;
  ended_at: Date | null;
  ended_by: string | null;
  reminder_sent_at: Date | null;
}

/** An internal note: staff only, append-only. */
export interface NoteTable {
  id: Generated<string>;
  submission_id: string;
  author_id: string;
  body: string;
  created_at: CreatedAt;
}

/** One numbered argument of a response and the reviewer's ruling on it. */
export interface FindingArgument { number: number; summary: string; ruling: Ruling; reasoning: string }

/** One version of a submission's findings; a new version is a new row, the history stays. */
export interface FindingTable {
  id: Generated<string>;
  submission_id: string;
  version: number;
  arguments: JsonColumn<FindingArgument[]>;
  created_by: string;
  created_at: CreatedAt;
}

/** A disposition: drafted, approved by another supervisor, issued; superseded by a correction. */
export interface DispositionTable {
  id: Generated<string>;
  submission_id: string;
  outcome: Outcome;
  rationale: string;
  status: Generated<DispositionStatus>;
  version: Generated<number>;
  drafted_by: string;
  editors: ColumnType<string[], string[] | undefined, string[]>;
  approved_by: string | null;
  approved_at: Date | null;
  issued_by: string | null;
  issued_at: Date | null;
  supersedes_id: string | null;
  supersede_reason: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

/** The review tables, merged into `Database`. */
export interface ReviewTables {
  conflicts: ConflictTable;
  assignments: AssignmentTable;
  notes: NoteTable;
  findings: FindingTable;
  dispositions: DispositionTable;
}
