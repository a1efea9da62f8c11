import type { Request, Response } from 'express';
import multer from 'multer';
import { onSlowBody } from '../http/body-pace';
import { AppError } from '../http/errors';
import type { ContentStore } from './content-store';
import { claimFromName } from './content-inspector';
import { sanitizeFilename } from './filename';
import { EvidenceStorage, storedUpload, type StoredUpload } from './upload-engine';
import {
  fieldTooLarge, fileRequired, invalidFieldName, malformedUpload, multipartRequired, oneFilePerRequest, tooManyParts, uploadTooSlow,
} from './upload-errors';

/** Longest text field value (bytes): a description of a few thousand characters. */
const FIELD_BYTES = 16 * 1024;
// Room for the multipart framing and the text fields besides the file itself.
const FORM_OVERHEAD = 256 * 1024;

export interface ReceiveOptions {
  store: ContentStore;
  /** Largest file accepted (bytes, inclusive). */
  limit: number;
  /** The refusal when the file exceeds `limit` (which limit binds: per file, per submission, quota). */
  tooLarge(): AppError;
  /** Text fields the form may carry besides `file`; anything else is 400. */
  fields: readonly string[];
  discard(stored: StoredUpload): Promise<void>;
}

export interface Received { stored: StoredUpload; fields: Record<string, unknown> }

/**
 * Reads one multipart upload with every multer limit set (SECURITY.md, Stack pitfalls). Call it
 * only after access, state and budget are checked: until then not one body byte is read.
 */
export async function receiveUpload(req: Request, res: Response, opts: ReceiveOptions): Promise<Received> {
  if (!req.is('multipart/form-data')) throw multipartRequired();
  const declared = Number(req.get('content-length'));
  // An honest Content-Length already tells us the file cannot fit: refuse before reading it.
  if (Number.isFinite(declared) && declared > opts.limit + FORM_OVERHEAD) throw opts.tooLarge();
  const engine = new EvidenceStorage({ store: opts.store, limit: opts.limit, discard: opts.discard });
  const middleware = multer({
    storage: engine,
    limits: {
      fileSize: opts.limit, files: 1, fields: opts.fields.length, parts: opts.fields.length + 1,
      fieldNameSize: 64, fieldSize: FIELD_BYTES, headerPairs: 16, fieldNestingDepth: 0, fieldArrayIndexLimit: 0,
    },
    // Browsers send UTF-8 file names; multer's latin1 default would garble them.
    defParamCharset: 'utf8',
    preservePath: false,
    // The name's extension must be on the allowlist before a single byte is written.
    fileFilter: (_req, file, cb) => {
      try {
        claimFromName(sanitizeFilename(file.originalname));
        cb(null, true);
      } catch (err) {
        cb(err as Error);
      }
    },
  }).single('file');
  const parsed = new Promise<void>((resolve, reject) => {
    void middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  });
  const slow = slowBodyRefusal(req, res, engine);
  try {
    await Promise.race([parsed, slow.refused]);
  } catch (err) {
    throw translate(err, opts);
  } finally {
    slow.release();
    await engine.idle();
  }
  const stored = storedUpload(req.file);
  if (!stored) throw fileRequired();
  return { stored, fields: { ...(req.body as Record<string, unknown>) } };
}

/**
 * When the body stalls or trickles (http/body-pace.ts), the upload is given up at once: the form
 * parser gets no more bytes, the engine removes what it wrote (as for an aborted upload), and the
 * 408 that follows closes the connection, so the rest of the body is never read. (multer alone
 * would wait for the whole slow body before reporting any error.)
 */
function slowBodyRefusal(req: Request, res: Response, engine: EvidenceStorage): { refused: Promise<never>; release: () => void } {
  let refuse!: (err: AppError) => void;
  const refused = new Promise<never>((_resolve, reject) => { refuse = reject; });
  refused.catch(() => undefined);
  const release = onSlowBody(req, (slowness, pace) => {
    const err = uploadTooSlow(slowness, pace);
    req.unpipe();
    engine.abort(err);
    res.setHeader('Connection', 'close');
    refuse(err);
  });
  return { refused, release };
}

const MULTER_ERRORS: Record<string, () => AppError> = {
  LIMIT_FILE_COUNT: oneFilePerRequest,
  LIMIT_PART_COUNT: tooManyParts,
  LIMIT_FIELD_COUNT: tooManyParts,
  LIMIT_FIELD_VALUE: fieldTooLarge,
  LIMIT_FIELD_KEY: () => invalidFieldName('invalid_field_name', 'A form field name is too long.'),
  LIMIT_FIELD_NESTING: () => invalidFieldName('invalid_field_name', 'Form field names cannot be nested (no brackets).'),
  LIMIT_FIELD_ARRAY_INDEX: () => invalidFieldName('invalid_field_name', 'Form field names cannot carry array indexes.'),
  INVALID_FIELD_NAME: () => invalidFieldName('invalid_field_name', 'A form field name is not valid.'),
  MISSING_FIELD_NAME: () => invalidFieldName('missing_field_name', 'Every part of the form needs a name.'),
  LIMIT_UNEXPECTED_FILE: () => invalidFieldName('unexpected_file_field', 'Send the document in the field named "file".'),
};

/** multer, busboy and stream failures -> the portal's errors; disk faults stay server errors. */
function translate(err: unknown, opts: ReceiveOptions): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return opts.tooLarge();
    return (MULTER_ERRORS[err.code] ?? (() => malformedUpload('unexpected form structure')))();
  }
  const e = err as { code?: string; syscall?: string };
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') {
    return new AppError(507, 'storage_full', 'The portal is out of storage space. The agency has been alerted; try again later.');
  }
  if (e?.syscall) return err;
  // What is left comes from busboy or the request stream: a broken or interrupted form.
  return malformedUpload('the form was incomplete or malformed');
}
