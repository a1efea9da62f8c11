import type { Migration } from 'kysely';
import * as foundation from './2026-11-28T0300_foundation';
import * as submissions from './2026-11-28T0400_submissions';
import * as storageKeyIndexes from './2026-11-28T0500_storage_key_indexes';
import * as informationRequests from './2026-11-28T0600_information_requests';
import * as outboxSensitive from './2026-11-28T0700_outbox_sensitive';
import * as auditIpIndex from './2026-11-28T0800_audit_ip_index';
import * as authAttempts from './2026-12-01T1000_auth_attempts';
import * as review from './2026-12-01T1100_review';
import * as queueSearch from './2026-12-01T1200_queue_search';
import * as legalHold from './2026-12-02T1000_legal_hold';
import * as bates from './2026-12-02T1100_bates';
import * as exportsTable from './2026-12-02T1200_exports';
import * as changeNotify from './2026-12-02T1800_change_notify';

/**
 * Every migration, by its frozen name. Listed statically (not read from disk) so the same code runs
 * compiled and under the test transform.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-28T0300_foundation': foundation,
  '2026-11-28T0400_submissions': submissions,
  '2026-11-28T0500_storage_key_indexes': storageKeyIndexes,
  '2026-11-28T0600_information_requests': informationRequests,
  '2026-11-28T0700_outbox_sensitive': outboxSensitive,
  '2026-11-28T0800_audit_ip_index': auditIpIndex,
  '2026-12-01T1000_auth_attempts': authAttempts,
  '2026-12-01T1100_review': review,
  '2026-12-01T1200_queue_search': queueSearch,
  '2026-12-02T1000_legal_hold': legalHold,
  '2026-12-02T1100_bates': bates,
  '2026-12-02T1200_exports': exportsTable,
  '2026-12-02T1800_change_notify': changeNotify,
};
