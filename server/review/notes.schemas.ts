import type { JSONSchemaType } from 'ajv';

/** The longest note (the notes table checks the same bound). */
export const NOTE_MAX = 20_000;

export interface NoteInput { body: string }

export const createNoteSchema: JSONSchemaType<NoteInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['body'],
  properties: { body: { type: 'string', minLength: 1, maxLength: NOTE_MAX } },
};
