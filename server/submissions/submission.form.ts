import { badRequest } from '../http/errors';
import { formString } from '../http/pages';
import { DEFAULT_RESPONSE_SCHEMA } from '../proceedings/response-schema';

/**
 * The draft form as HTML fields and back: the proceeding's JSON Schema decides which structured
 * fields the page shows, and the posted strings become the `fields` object the API would accept.
 * Pure functions, so the API and the pages build the same draft from the same input.
 */

/** The HTML control a schema property gets ("lines": a textarea, one array item per line). */
export type Control = 'text' | 'textarea' | 'lines' | 'number' | 'select';

/** One structured response field as the templates render it. */
export interface FormField {
  /** Property name inside `fields`. */
  key: string;
  /** Form control name. */
  name: string;
  /** Element id: made from the position, because an admin's property name may not be a valid id. */
  id: string;
  label: string;
  hint: string;
  required: boolean;
  control: Control;
  integer: boolean;
  options: string[];
  maxLength: number | null;
  value: string;
}

interface PropertySchema { type?: unknown; title?: unknown; description?: unknown; items?: { type?: unknown }; maxLength?: unknown; enum?: unknown }

// Longer strings get a textarea: a one-line box for a 5,000-character answer invites truncation.
const SHORT_TEXT = 300;
const MAX_FIELDS = 100;

const firstType = (t: unknown): string | undefined =>
  (Array.isArray(t) ? t.find((x) => x !== 'null') : t) as string | undefined;

function controlFor(p: PropertySchema): { control: Control; integer: boolean; options: string[] } | null {
  const type = firstType(p.type);
  if (type === 'string') {
    if (Array.isArray(p.enum) && p.enum.every((o) => typeof o === 'string')) return { control: 'select', integer: false, options: p.enum as string[] };
    const short = typeof p.maxLength === 'number' && p.maxLength <= SHORT_TEXT;
    return { control: short ? 'text' : 'textarea', integer: false, options: [] };
  }
  if (type === 'array' && firstType(p.items?.type) === 'string') return { control: 'lines', integer: false, options: [] };
  if (type === 'number' || type === 'integer') return { control: 'number', integer: type === 'integer', options: [] };
  return null;
}

/** The stored value as the control shows it (arrays one item per line). */
function displayValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join('\n');
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return '';
}

/**
 * The structured fields a proceeding's schema asks for (the default schema when it has none).
 * Property types the form cannot edit (objects, booleans) are left out, and kept as stored.
 * `posted` (the form just sent) wins over `values` (the draft) so a refused form keeps its text.
 */
export function responseFormFields(schema: object | null, values: Record<string, unknown>, posted?: unknown): FormField[] {
  const s = (schema ?? DEFAULT_RESPONSE_SCHEMA) as { properties?: Record<string, PropertySchema>; required?: unknown };
  const required = Array.isArray(s.required) ? s.required.map(String) : [];
  const out: FormField[] = [];
  for (const [key, raw] of Object.entries(s.properties ?? {}).slice(0, MAX_FIELDS)) {
    const prop: PropertySchema = raw ?? {};
    const how = controlFor(prop);
    if (!how) continue;
    const name = `fields.${key}`;
    const hint = [typeof prop.description === 'string' ? prop.description : '', how.control === 'lines' ? 'One per line.' : ''].filter(Boolean).join(' ');
    out.push({
      key, name, id: `field-${out.length + 1}`, label: typeof prop.title === 'string' && prop.title ? prop.title : key,
      hint, required: required.includes(key), ...how,
      maxLength: typeof prop.maxLength === 'number' ? prop.maxLength : null,
      value: posted ? formString(posted, name) : displayValue(Object.hasOwn(values, key) ? values[key] : undefined),
    });
  }
  return out;
}

function parseField(f: FormField, raw: string): unknown {
  const text = raw.trim();
  if (!text) return undefined;
  if (f.control === 'lines') {
    const items = text.split('\n').map((l) => l.trim()).filter(Boolean);
    return items.length ? items : undefined;
  }
  if (f.control === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n) || (f.integer && !Number.isInteger(n))) {
      throw badRequest('invalid_request', `"${f.label}" must be ${f.integer ? 'a whole number' : 'a number'}, like 12${f.integer ? '' : ' or 12.5'}.`, [{ field: f.name }]);
    }
    return n;
  }
  if (f.control === 'select' && !f.options.includes(text)) {
    throw badRequest('invalid_request', `Choose one of the listed options for "${f.label}".`, [{ field: f.name }]);
  }
  return text;
}

/**
 * The draft's `fields` after this form: the rendered fields replaced (an emptied field is
 * removed, so the filing check reports it as missing), everything the form does not show kept.
 */
export function fieldsFromForm(formFields: FormField[], body: unknown, existing: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...existing };
  for (const f of formFields) {
    const value = parseField(f, formString(body, f.name));
    if (value === undefined) delete merged[f.key];
    else merged[f.key] = value;
  }
  return merged;
}

/** Title, summary and argument as posted (CRLF from browsers made LF, as API clients send). */
export function draftTextFromForm(body: unknown): { title: string; summary: string; argument: string } {
  return { title: formString(body, 'title').trim(), summary: formString(body, 'summary'), argument: formString(body, 'argument') };
}

/** The hidden `version` field: a whole number, or a 400 (the form was not one this server made). */
export function versionFromForm(body: unknown): number {
  const raw = formString(body, 'version');
  if (!/^\d{1,9}$/.test(raw)) throw badRequest('invalid_request', 'The form is missing its version. Reload the page and try again.');
  return Number(raw);
}
