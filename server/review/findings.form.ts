import type { FindingArgument, Ruling } from '../db/review-tables';
import { badRequest } from '../http/errors';
import { formString } from '../http/pages';
import { ARGUMENTS_MAX, type FindingsInput } from './findings.schemas';

/** The most argument rows the page's form carries: as many as the API accepts. */
export const PAGE_ROWS = ARGUMENTS_MAX;

/**
 * Form fields a full findings form posts: four per row, plus the CSRF token, the row count and the
 * button pressed. The input screen allows 100 fields on other forms; app.ts gives this route this
 * many (server/http/input-screen.ts `formBody`), so the page and the API take the same 200 arguments.
 */
export const FORM_FIELDS_MAX = 4 * PAGE_ROWS + 3;

/** The path of the findings form's POST (the route in findings.pages.ts), for the input screen. */
export const FORM_PATH = /^\/review\/submissions\/[^/]+\/findings$/;

/** The value of the "Add another argument" button: re-render the form with one more blank row, save nothing. */
export const ADD_ROW = 'add-row';

/** One row of the findings form, as typed (strings) or pre-filled. */
export interface FormRow { number: string; summary: string; ruling: Ruling | ''; reasoning: string }

const BLANK: FormRow = { number: '', summary: '', ruling: '', reasoning: '' };

/** The posted rows with one blank row more (the "Add another argument" button), up to PAGE_ROWS. */
export const withBlankRow = (rows: FormRow[]): FormRow[] => (rows.length < PAGE_ROWS ? [...rows, { ...BLANK }] : rows);

/** Rows to show: the latest findings or the suggestion, then one blank row to add an argument. */
export function rowsFor(args: ReadonlyArray<Partial<FindingArgument> & { number: number; summary: string }>): FormRow[] {
  const rows: FormRow[] = args.map((a) => ({ number: String(a.number), summary: a.summary, ruling: a.ruling ?? '', reasoning: a.reasoning ?? '' }));
  return withBlankRow(rows);
}

/** The rows a posted form carries (`number-0`, `summary-0`, ...), as typed, for showing again. */
export function rowsFromForm(body: unknown): FormRow[] {
  const count = Math.min(PAGE_ROWS, Number.parseInt(formString(body, 'rows'), 10) || 0);
  return Array.from({ length: count }, (_, i) => ({
    number: formString(body, `number-${i}`).trim(), summary: formString(body, `summary-${i}`),
    ruling: formString(body, `ruling-${i}`) as Ruling | '', reasoning: formString(body, `reasoning-${i}`),
  }));
}

/**
 * The API's body from the posted rows: rows left entirely empty are skipped (so clearing a row
 * removes that argument), everything else goes to the same schema and checks as the API.
 */
export function inputFromRows(rows: FormRow[]): FindingsInput {
  const args = rows.filter((r) => r.number || r.summary.trim() || r.ruling || r.reasoning.trim()).map((r, i) => {
    if (!/^\d{1,3}$/.test(r.number)) {
      throw badRequest('invalid_request', `Argument row ${i + 1}: the number must be a whole number from 1 to 200.`, [{ field: `arguments.${i}.number`, problem: 'type' }]);
    }
    return { number: Number(r.number), summary: r.summary, ruling: r.ruling as Ruling, reasoning: r.reasoning };
  });
  return { arguments: args };
}
