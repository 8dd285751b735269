import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Briefings embed Noto Sans SC from @embedpdf/fonts-sc (OFL) and never a system font, so a
// PDF looks the same on every server. The package exports only its JS entry, so the font
// files are found beside it. createRequire works under tsx, vitest and plain node alike.

export type FontWeight = 'regular' | 'bold';

const FILES: Record<FontWeight, string> = { regular: 'NotoSansHans-Regular.otf', bold: 'NotoSansHans-Bold.otf' };

/** Family name charts ask the canvas for; registered once per process. */
export const CHART_FONT_FAMILY = 'Guoyun Noto Sans SC';

let fontsDir: string | undefined;
const cache = new Map<FontWeight, Buffer>();
const parsed = new Map<FontWeight, EmbeddableFont>();

/** A parsed font as pdfkit takes it: anything with fontkit's `layout`. */
export type EmbeddableFont = { layout: (...args: never[]) => unknown };

export function fontPath(weight: FontWeight): string {
  fontsDir ??= join(dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  return join(fontsDir, FILES[weight]);
}

/** The font file's bytes, read once: each is ~8 MB, and pdfkit subsets what a document uses. */
export function fontBytes(weight: FontWeight): Buffer {
  let bytes = cache.get(weight);
  if (!bytes) {
    bytes = readFileSync(fontPath(weight));
    cache.set(weight, bytes);
  }
  return bytes;
}

/**
 * The font parsed once with fontkit, for pdfkit to embed. Parsing per document, as
 * registerFont(buffer) does, costs a few hundred milliseconds a render; a parsed font only
 * caches what it reads, and pdfkit builds a fresh subset from it for each document.
 */
export function parsedFont(weight: FontWeight): EmbeddableFont {
  let font = parsed.get(weight);
  if (!font) {
    // pdfkit's own fontkit (not a dependency of ours), found from pdfkit's location.
    const requireFromPdfkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'));
    const fontkit = requireFromPdfkit('fontkit') as { create: (bytes: Buffer) => EmbeddableFont };
    font = fontkit.create(fontBytes(weight));
    parsed.set(weight, font);
  }
  return font;
}
