// Draws the web app's icons (果运's mark: a red apple with a leaf and 果 on it) as PNGs for the
// web app manifest, into web/static/. Run once and commit the output:
//
//   tsx scripts/make-icons.ts
//
// Browsers want bitmaps for installable apps (Android's launcher ignores SVG icons). The glyph is
// drawn with Noto Sans SC from @embedpdf/fonts-sc, never a system font, so the output is the
// same on every machine.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlobalFonts, createCanvas } from '@napi-rs/canvas';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'web', 'static');
const FONT = join(ROOT, 'node_modules', '@embedpdf', 'fonts-sc', 'fonts', 'NotoSansHans-Bold.otf');
const RED = '#b3261e';
const GREEN = '#2e7d32';

GlobalFonts.registerFromPath(FONT, 'GuoyunIcon');

/**
 * `maskable`: the launcher crops the icon to its own shape (circle, squircle…) and only the
 * central 80 % is sure to show, so the background fills the square and the mark stays inside.
 */
function draw(size: number, maskable: boolean): Buffer {
  const canvas = createCanvas(size, size);
  const g = canvas.getContext('2d');
  const s = size / 64; // drawn on the favicon's 64-unit grid
  if (maskable) {
    g.fillStyle = RED;
    g.fillRect(0, 0, size, size);
    // Shrink the mark into the safe zone.
    g.translate(size / 2, size / 2);
    g.scale(0.72, 0.72);
    g.translate(-size / 2, -size / 2);
  }
  // The apple.
  g.fillStyle = maskable ? '#ffffff' : RED;
  g.beginPath();
  g.arc(32 * s, 36 * s, 24 * s, 0, Math.PI * 2);
  g.fill();
  // The leaf.
  g.fillStyle = GREEN;
  g.beginPath();
  g.moveTo(32 * s, 14 * s);
  g.bezierCurveTo(34 * s, 8 * s, 40 * s, 4 * s, 46 * s, 4 * s);
  g.bezierCurveTo(45 * s, 10 * s, 40 * s, 14 * s, 32 * s, 14 * s);
  g.fill();
  // 果
  g.fillStyle = maskable ? RED : '#ffffff';
  g.font = `${Math.round(28 * s)}px GuoyunIcon`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText('果', 32 * s, 37 * s);
  return canvas.toBuffer('image/png');
}

const icons = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  // iOS ignores the manifest's icons and wants a full square.
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
];
for (const { file, size, maskable } of icons) {
  const png = draw(size, maskable);
  writeFileSync(join(OUT, file), png);
  console.log(`${file}: ${size}×${size}, ${png.length} bytes`);
}
