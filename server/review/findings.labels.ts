import type { Ruling } from '../db/review-tables';

/** How each ruling reads on pages and in the PDF. */
export const RULING_LABELS: Record<Ruling, string> = {
  persuasive: 'Persuasive',
  partially_persuasive: 'Partially persuasive',
  not_persuasive: 'Not persuasive',
  moot: 'Moot',
};
