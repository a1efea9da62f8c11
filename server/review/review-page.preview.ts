import { promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { AppError } from '../http/errors';
import type { ContentStore } from '../documents/content-store';

/**
 * In-browser preview of evidence for staff: PDFs and images only, served inline but sandboxed.
 * The bytes were inspected at upload (magic bytes match the stored media type), and the response
 * carries `Content-Security-Policy: sandbox` without `allow-scripts`, so even a hostile file runs
 * no script and gets an opaque origin; `nosniff` stops a browser from guessing another type.
 */

/** Stored media types a browser shows by itself, and how the page embeds each. */
const PREVIEWABLE: Readonly<Record<string, 'pdf' | 'image'>> = {
  'application/pdf': 'pdf', 'image/png': 'image', 'image/jpeg': 'image', 'image/gif': 'image', 'image/webp': 'image',
};

/** 'pdf' (shown in a sandboxed iframe), 'image' (an img), or null when only a download is offered. */
export const previewKind = (mediaType: string): 'pdf' | 'image' | null => {
  const bare = mediaType.split(';')[0]!.trim().toLowerCase();
  return Object.hasOwn(PREVIEWABLE, bare) ? PREVIEWABLE[bare]! : null;
};

/** 415 for a type that is never rendered inline; the message points to the download. */
export const notPreviewable = (mediaType: string) => new AppError(415, 'preview_not_supported',
  `Documents of type ${mediaType.split(';')[0]} cannot be previewed in the browser. Download the document instead.`);

// Framed only by the portal's own pages; no script, no plugins' network, nothing but the bytes.
export const PREVIEW_CSP = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'self'";

/** Streams a stored file inline with the preview headers; the size must match its row. */
export async function sendPreview(res: Response, store: ContentStore, f: { storageKey: string; mediaType: string; size: number; sha256: string }): Promise<void> {
  const kind = previewKind(f.mediaType);
  if (!kind) throw notPreviewable(f.mediaType);
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
  res.setHeader('Content-Type', f.mediaType.split(';')[0]!.trim().toLowerCase());
  res.setHeader('Content-Length', String(size));
  res.setHeader('Content-Disposition', 'inline');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', PREVIEW_CSP);
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('ETag', `"sha256-${f.sha256}"`);
  try {
    await pipeline(handle.createReadStream({ highWaterMark: 128 * 1024 }), res);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}
