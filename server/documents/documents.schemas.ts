import type { JSONSchemaType } from 'ajv';
import { parser } from '../http/validate';

/** Text fields of an evidence upload (multipart strings; `file` is the document itself). */
export interface EvidenceFields {
  label?: string;
  description?: string;
  confidential?: 'true' | 'false';
  publicVersionOf?: string;
  /** CSRF token a plain HTML form may repeat in the body (checked from the URL or header). */
  _csrf?: string;
}

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const evidenceFieldsSchema: JSONSchemaType<EvidenceFields> = {
  type: 'object',
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 200, nullable: true },
    description: { type: 'string', maxLength: 4000, nullable: true },
    confidential: { type: 'string', enum: ['true', 'false'], nullable: true },
    publicVersionOf: { type: 'string', pattern: UUID, maxLength: 36, nullable: true },
    _csrf: { type: 'string', maxLength: 200, nullable: true },
  },
  required: [],
  additionalProperties: false,
};

/** Text fields of a notice-document upload. */
export interface NoticeFields { title?: string; _csrf?: string }

export const noticeFieldsSchema: JSONSchemaType<NoticeFields> = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 300, nullable: true },
    _csrf: { type: 'string', maxLength: 200, nullable: true },
  },
  required: [],
  additionalProperties: false,
};

/** The text fields each form may carry (multer's field-count limit is the length of these lists). */
export const EVIDENCE_FIELD_NAMES = ['label', 'description', 'confidential', 'publicVersionOf', '_csrf'] as const;
export const NOTICE_FIELD_NAMES = ['title', '_csrf'] as const;
/** An HTML form sends every field, filled or not: in a multipart upload an empty value means "not given". */
const withoutEmpty = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''));
const evidence = parser(evidenceFieldsSchema);
const notice = parser(noticeFieldsSchema);
export const parseEvidenceFields = (fields: Record<string, unknown>): EvidenceFields => evidence(withoutEmpty(fields));
export const parseNoticeFields = (fields: Record<string, unknown>): NoticeFields => notice(withoutEmpty(fields));
