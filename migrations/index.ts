import type { Migration } from 'kysely';
import * as foundation from './2026-11-28T0300_foundation';

/**
 * Every migration, by its frozen name. Listed statically (not read from disk) so the same code runs
 * compiled and under the test transform.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-28T0300_foundation': foundation,
};
