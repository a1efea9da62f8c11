import type { Response } from 'express';
import { AppError } from '../http/errors';
import type { ContentStore } from '../documents/content-store';
import { streamStored } from '../documents/download';

/**
 * In-browser preview of evidence for staff: PDFs and images only, served inline but sandboxed.
 * The bytes were inspected at upload (magic bytes match the stored media type), and the response
 * carries `Content-Security-Policy: sandbox` without `allow-scripts`, so even a hostile file runs
 * no script and gets an opaque origin; `nosniff` stops a browser from guessing another type.
 *
 * The page's `<iframe>` carries no `sandbox` attribute: Chromium refuses to start its PDF viewer in
 * a frame sandboxed by the attribute (it shows its "blocked" page) whatever allow- keywords it has.
 * Without it, Chromium (156, headless included: test/browser/review-page.test.ts) hands the bytes to
 * its viewer (PDFium) and puts only a wrapper page of its own in the frame; it does not apply this
 * CSP's `sandbox` to that wrapper, and the vendor's bytes never become a document of our origin.
 * The header still sandboxes the response wherever a browser renders it as a document itself.
 * Residual behaviour of the viewer (PDF JavaScript, links): docs/review-page-dashboard.md.
 */

/** Stored media types a browser shows by itself, and how the page embeds each. */
const PREVIEWABLE: Readonly<Record<string, 'pdf' | 'image'>> = {
  'application/pdf': 'pdf', 'image/png': 'image', 'image/jpeg': 'image', 'image/gif': 'image', 'image/webp': 'image',
};

/** 'pdf' (an iframe; the response sandboxes itself), 'image' (an img), or null when only a download is offered. */
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
  if (!previewKind(f.mediaType)) throw notPreviewable(f.mediaType);
  await streamStored(res, store, f, {
    'Content-Type': f.mediaType.split(';')[0]!.trim().toLowerCase(), 'Content-Disposition': 'inline',
    'Content-Security-Policy': PREVIEW_CSP, 'X-Frame-Options': 'SAMEORIGIN',
  });
}
