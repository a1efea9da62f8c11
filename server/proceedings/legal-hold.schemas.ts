import type { JSONSchemaType } from 'ajv';

/** The longest reason a hold or its release may give (the table's check says the same). */
export const MAX_HOLD_REASON = 2000;

/** `PUT` and `DELETE /proceedings/{docket}/legal-hold`: why the hold is placed or released. */
export interface HoldReasonInput { reason: string }

export const holdReasonSchema: JSONSchemaType<HoldReasonInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: MAX_HOLD_REASON, description: 'Why (the matter, the request, who asked); kept in the record.' } },
};

const person = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } };

/** One hold as the API returns it (history entries carry the release fields too). */
export const holdResponse = {
  type: 'object',
  required: ['id', 'docket', 'reason', 'placedAt', 'placedBy', 'releasedAt', 'releasedBy', 'releaseReason'],
  properties: {
    id: { type: 'string', format: 'uuid' }, docket: { type: 'string' }, reason: { type: 'string' },
    placedAt: { type: 'string', format: 'date-time' }, placedBy: person,
    releasedAt: { type: 'string', format: 'date-time', nullable: true }, releasedBy: { ...person, nullable: true },
    releaseReason: { type: 'string', nullable: true },
  },
} as const;

export const holdListResponse = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: holdResponse } } } as const;
