import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Priority, ReviewTables } from './review-tables';
import type { LegalHoldTables } from './legal-hold-tables';
import type { ExportTables } from './export-tables';
import type { BatesTables } from './bates-tables';

/** Row types of every table, as the database stores them (snake_case, see migrations/). */
type Timestamp = Date;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type Role = 'vendor' | 'reviewer' | 'supervisor' | 'legal' | 'admin';
export type StandingBasis = 'named_party' | 'directly_impacted';

export interface OrganizationTable {
  id: Generated<string>;
  legal_name: string;
  country: string;
  uei: string | null;
  standing_basis: Generated<StandingBasis>;
  standing_statement: Generated<string>;
  created_at: CreatedAt;
  version: Generated<number>;
}

export interface UserTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  organization_id: string | null;
  password_hash: string;
  email_verified_at: Timestamp | null;
  totp_secret: string | null;
  totp_enrolled_at: Timestamp | null;
  totp_last_step: ColumnType<string | null, number | string | null, number | string | null>;
  disabled_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export type SessionStage = 'mfa' | 'enrol' | 'full';

export interface SessionTable {
  id_hash: Buffer;
  user_id: string;
  stage: SessionStage;
  csrf_token: string;
  created_at: Generated<Timestamp>;
  last_seen_at: Generated<Timestamp>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: Generated<string>;
  token_hash: Buffer;
  user_id: string;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface OneTimeTokenTable {
  token_hash: Buffer;
  user_id: string;
  purpose: 'activate' | 'verify_email' | 'reset_password';
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export type AttemptKind = 'password' | 'totp' | 'enrol' | 'verify_email' | 'activate' | 'register';

/** One attempt at a step that checks a secret (or a registration); see accounts/attempts.ts. */
export interface AuthAttemptTable {
  id: Generated<string>;
  kind: AttemptKind;
  /** Lower-cased e-mail, user id or token digest; '' when the step has no account (registration). */
  account_key: string;
  ip: string;
  at: Generated<Timestamp>;
  succeeded: Generated<boolean>;
}

export interface ProceedingLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
}

export interface ProceedingTable {
  id: Generated<string>;
  docket: string;
  title: string;
  summary: string;
  notice_text: string;
  opens_at: Timestamp;
  closes_at: Timestamp;
  time_zone: string;
  late_policy: 'reject' | 'accept_flagged';
  response_schema: ColumnType<object | null, string | null, string | null>;
  limits: ColumnType<ProceedingLimits, string, string>;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface OutboxTable {
  id: Generated<string>;
  message_id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  sensitive: Generated<boolean>;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
}

export interface AuditEventTable {
  seq: ColumnType<string, number | string, never>;
  occurred_at: ColumnType<Date, Date, never>;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: string;
  hash: string;
}

export interface NoticeDocumentTable {
  id: Generated<string>;
  proceeding_id: string;
  title: string;
  original_name: string;
  media_type: string;
  size: ColumnType<string, number, never>;
  sha256: string;
  storage_key: string;
  created_by: string;
  created_at: CreatedAt;
}

export type SubmissionKind = 'response' | 'supplement' | 'reply_to_request';
export type SubmissionStatus = 'draft' | 'submitted' | 'in_review' | 'decided' | 'withdrawn';
type Json<T> = ColumnType<T, string, string>;

export interface SubmissionTable {
  id: Generated<string>;
  proceeding_id: string;
  organization_id: string;
  created_by: string;
  kind: SubmissionKind;
  parent_id: string | null;
  status: Generated<SubmissionStatus>;
  title: string;
  summary: Generated<string>;
  argument: Generated<string>;
  fields: ColumnType<Record<string, unknown>, string | undefined, string>;
  tracking_number: string | null;
  submitted_at: Date | null;
  submitted_by: string | null;
  late: Generated<boolean>;
  certification: Json<Record<string, unknown> | null> | null;
  standing: Json<Record<string, unknown> | null> | null;
  content_digest: string | null;
  receipt: Json<Record<string, unknown> | null> | null;
  withdrawn_at: Date | null;
  withdrawal_reason: string | null;
  /** Triage (review): set by a supervisor, never part of the filed content. */
  priority: Generated<Priority>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  /** Queue search (migrations/2026-12-01T1200_queue_search.ts): a tsvector kept by trigger, never written here. */
  search: ColumnType<string, never, never>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface DocumentTable {
  id: Generated<string>;
  submission_id: string;
  label: string;
  description: Generated<string>;
  original_name: string;
  media_type: string;
  size: ColumnType<string, number, never>;
  sha256: string;
  storage_key: string;
  confidential: Generated<boolean>;
  public_version_of: string | null;
  flags: ColumnType<string[], string | undefined, never>;
  created_by: string;
  created_at: CreatedAt;
}

export interface TrackingCounterTable {
  proceeding_id: string;
  last_value: Generated<number>;
}

export interface IdempotencyKeyTable {
  user_id: string;
  key: string;
  scope: string;
  request_hash: string;
  response: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface InformationRequestTable {
  id: Generated<string>;
  submission_id: string;
  question: string;
  due_at: Date;
  created_by: string;
  created_at: CreatedAt;
  answered_by: string | null;
  answered_at: Date | null;
}

export interface Database extends ReviewTables, LegalHoldTables, ExportTables, BatesTables {
  information_requests: InformationRequestTable;
  notice_documents: NoticeDocumentTable;
  submissions: SubmissionTable;
  documents: DocumentTable;
  tracking_counters: TrackingCounterTable;
  idempotency_keys: IdempotencyKeyTable;
  organizations: OrganizationTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  one_time_tokens: OneTimeTokenTable;
  auth_attempts: AuthAttemptTable;
  proceedings: ProceedingTable;
  outbox: OutboxTable;
  audit_events: AuditEventTable;
}

export type Db = Kysely<Database>;
/** A Kysely handle that may or may not be inside a transaction: repositories accept either. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;
