import { promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Db } from '../db/database';
import { authorize, type Asker } from '../access/authorize';
import type { ContentStore } from './content-store';
import { findDocumentWithOwner } from './documents.repository';
import { attachmentHeader } from './filename';

/** The document if the asker may see its submission; otherwise the denial is audited and 404 thrown. */
export async function visibleDocument(db: Db, asker: Asker, id: string) {
  return authorize(asker, 'submission.see', { type: 'document', id }, await findDocumentWithOwner(db, id));
}

export interface StoredFile { storageKey: string; mediaType: string; size: number; sha256: string; originalName: string }

/**
 * Streams a stored file with the headers given, after checking it is the size its row says. The
 * SHA-256 goes along (ETag, Repr-Digest) so a client can check what it received; nothing is cached.
 */
export async function streamStored(res: Response, store: ContentStore, f: Omit<StoredFile, 'originalName'>, headers: Record<string, string>): Promise<void> {
  const handle = await fsp.open(store.pathOf(f.storageKey), 'r');
  const { size } = await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (size !== f.size) {
    await handle.close();
    throw new Error('stored file size differs from its row');
  }
  res.status(200);
  res.setHeader('Content-Length', String(size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('ETag', `"sha256-${f.sha256}"`);
  res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(f.sha256, 'hex').toString('base64')}:`);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  try {
    await pipeline(handle.createReadStream({ highWaterMark: 128 * 1024 }), res);
  } catch (err) {
    // A client that hangs up mid-download is not a server fault; the stream closed the file.
    if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

/**
 * Streams a stored file as an attachment that no browser will render or sniff: the stored
 * (inspected) media type, nosniff, a sandboxing CSP, and an RFC 6266 file name.
 */
export async function sendStoredFile(res: Response, store: ContentStore, f: StoredFile): Promise<void> {
  await streamStored(res, store, f, {
    'Content-Type': f.mediaType, 'Content-Disposition': attachmentHeader(f.originalName),
    'Content-Security-Policy': "sandbox; default-src 'none'; frame-ancestors 'none'",
  });
}
