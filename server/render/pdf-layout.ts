import PDFDocument from 'pdfkit';
import type { Flag } from '../rules/town-flags.ts';
import { parsedFont } from './fonts.ts';

// A layout kit for Guoyun's printed documents on A4 in the GB/T 9704-2012 type area (156 × 225 mm,
// top margin 37 mm, left 28 mm): headings, paragraphs, notes, ruled tables that repeat their
// header across pages, figure cells, page numbers and a preview watermark. Knows nothing of
// briefings; render-briefing-pdf.ts writes the sections with it.

export const MM = 72 / 25.4;
export const PAGE = { width: 595.28, height: 841.89 };
export const MARGINS = { top: 37 * MM, bottom: 35 * MM, left: 28 * MM, right: 26 * MM };
export const LEFT = MARGINS.left;
export const WIDTH = PAGE.width - MARGINS.left - MARGINS.right;
export const RIGHT = LEFT + WIDTH;
export const MAX_Y = PAGE.height - MARGINS.bottom;

export const FONT = { regular: 'NotoSansSC', bold: 'NotoSansSC-Bold' } as const;
export const COLOR = {
  red: '#d40000',
  text: '#1a1a1a',
  muted: '#595959',
  grid: '#b3b3b3',
  header: '#eef2f7',
  cell: '#f7f9fc',
  ahead: '#1f4e79',
  behind: '#c00000',
  open: '#b07d00',
};
export const FLAG_COLOR: Record<Flag, string> = { blue: '#2e75b6', yellow: '#e6b800', red: '#c00000' };
export const TABLE = { pad: 3.5, rowH: 16, twoLineHeader: 30 };

export type Doc = PDFKit.PDFDocument;
export type Align = 'left' | 'right' | 'center';
export type Column = { header: string; width: number; align: Align };
export type Cell = string | { text: string; flag?: Flag | null; bold?: boolean; color?: string };

/**
 * A PDF document with the package's Noto Sans SC registered (never a system font: pdfkit embeds
 * only the glyphs used, which keeps an 8 MB font to tens of kilobytes), collected into bytes.
 */
export function createPdf(options: PDFKit.PDFDocumentOptions): { doc: Doc; finished: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margins: MARGINS, bufferPages: true, ...options });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // pdfkit's typings know only paths and buffers; at run time it takes a parsed fontkit font.
  doc.registerFont(FONT.regular, parsedFont('regular') as unknown as Buffer);
  doc.registerFont(FONT.bold, parsedFont('bold') as unknown as Buffer);
  return { doc, finished };
}

export class PdfLayout {
  constructor(
    protected readonly doc: Doc,
    /** Chinese typesetting: first-line indents of two characters, slightly larger table text. */
    protected readonly zh: boolean,
  ) {}

  /** Page numbers ("— n —", outer corner) on every page, and a diagonal watermark when given. */
  protected pageFurniture(pageLabel: (n: number) => string, watermark: string | null): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin would otherwise make pdfkit start a new page.
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const n = i + 1;
      const label = pageLabel(n);
      doc.font(FONT.regular).fontSize(11).fillColor(COLOR.text);
      const w = doc.widthOfString(label);
      const inset = 14; // one character's width in from the edge of the type area
      doc.text(label, n % 2 === 1 ? RIGHT - inset - w : LEFT + inset, MAX_Y + 7 * MM, { lineBreak: false });
      if (watermark) {
        doc.save();
        doc.rotate(-35, { origin: [PAGE.width / 2, PAGE.height / 2] });
        doc.font(FONT.bold).fontSize(58).fillColor('#000000').fillOpacity(0.07);
        const mw = doc.widthOfString(watermark);
        doc.text(watermark, PAGE.width / 2 - mw / 2, PAGE.height / 2 - 30, { lineBreak: false });
        doc.restore();
      }
      doc.page.margins.bottom = bottom;
    }
  }

  /** Labelled figures in ruled cells, `perRow` to a row, kept together on one page. */
  protected figureCells(cells: { label: string; value: string; color?: string }[], perRow: number): void {
    const { doc } = this;
    const rows = Math.ceil(cells.length / perRow);
    const cellW = WIDTH / perRow;
    const cellH = 38;
    this.ensure(cellH * rows + 8);
    const y0 = doc.y;
    cells.forEach((c, k) => {
      const x = LEFT + (k % perRow) * cellW;
      const y = y0 + Math.floor(k / perRow) * cellH;
      doc.save().lineWidth(0.5).fillColor(COLOR.cell).strokeColor(COLOR.grid).rect(x, y, cellW, cellH).fillAndStroke().restore();
      doc
        .font(FONT.regular)
        .fontSize(8)
        .fillColor(COLOR.muted)
        .text(c.label, x + 5, y + 5, { width: cellW - 10, lineBreak: false, ellipsis: true });
      doc.font(FONT.bold).fillColor(c.color ?? COLOR.text);
      this.fit(c.value, cellW - 10, 12.5, 7.5);
      doc.text(c.value, x + 5, y + 19, { width: cellW - 10, lineBreak: false });
    });
    doc.fillColor(COLOR.text);
    doc.x = LEFT;
    doc.y = y0 + cellH * rows + 8;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  protected ensure(height: number): void {
    if (this.doc.y + height > MAX_Y) this.doc.addPage();
  }

  /** Sets the largest font size (down to `min`) at which `text` fits `width` on one line. */
  protected fit(text: string, width: number, max: number, min: number): void {
    let size = max;
    while (size > min && this.doc.fontSize(size).widthOfString(text) > width) size -= 0.5;
    this.doc.fontSize(size);
  }

  protected heading1(text: string, keepWith = 50): void {
    const { doc } = this;
    // Keep a heading with at least a few lines of what follows it.
    this.ensure(keepWith + 30);
    doc.moveDown(0.5);
    doc.font(FONT.bold).fontSize(13).fillColor(COLOR.text).text(text, LEFT, doc.y, { width: WIDTH });
    doc.moveDown(0.3);
  }

  protected heading2(text: string, keepWith: number): void {
    const { doc } = this;
    this.ensure(keepWith);
    doc.moveDown(0.2);
    doc.font(FONT.bold).fontSize(11.5).fillColor(COLOR.text).text(text, LEFT, doc.y, { width: WIDTH });
    doc.moveDown(0.25);
  }

  protected paragraph(text: string): void {
    const { doc } = this;
    doc.font(FONT.regular).fontSize(11).fillColor(COLOR.text);
    doc.text(text, LEFT, doc.y, { width: WIDTH, lineGap: 4.5, indent: this.zh ? 22 : 0, paragraphGap: 3 });
  }

  protected note(text: string): void {
    const { doc } = this;
    doc.font(FONT.regular).fontSize(8.5).fillColor(COLOR.muted);
    doc.text(text, LEFT, doc.y + 2, { width: WIDTH, lineGap: 2 });
    doc.fillColor(COLOR.text).moveDown(0.3);
  }

  /** Sets the header font, shrunk so each of the header's lines fits its column unbroken. */
  protected headerFont(c: Column): void {
    const { doc } = this;
    let size = 8.5;
    doc.font(FONT.bold);
    while (size > 6.5 && c.header.split('\n').some((line) => doc.fontSize(size).widthOfString(line) > c.width - 2 * TABLE.pad)) size -= 0.25;
    doc.fontSize(size);
  }

  protected tableHeaderHeight(columns: Column[]): number {
    const heights = columns.map((c) => {
      this.headerFont(c);
      return this.doc.heightOfString(c.header, { width: c.width - 2 * TABLE.pad });
    });
    return Math.max(...heights) + 2 * TABLE.pad + 1;
  }

  /**
   * Moves a table that fits in half a page (and its heading, if any) to the next page
   * rather than splitting it; then writes the heading.
   */
  protected keepTogether(columns: Column[], rows: Cell[][], heading: string | null): void {
    const height = this.tableHeaderHeight(columns) + rows.length * TABLE.rowH + (heading ? 28 : 0);
    if (height <= (MAX_Y - MARGINS.top) / 2) this.ensure(height + 8);
    if (heading) this.heading2(heading, 80);
  }

  /** A ruled table; the header repeats on each page the table runs onto. */
  protected table(columns: Column[], rows: Cell[][]): void {
    const { doc } = this;
    const { pad, rowH } = TABLE;
    const fontSize = this.zh ? 9 : 8.5;
    const headerH = this.tableHeaderHeight(columns);

    const drawHeader = () => {
      const y = doc.y;
      let x = LEFT;
      for (const c of columns) {
        doc.save().lineWidth(0.5).fillColor(COLOR.header).strokeColor(COLOR.grid).rect(x, y, c.width, headerH).fillAndStroke().restore();
        this.headerFont(c);
        const h = doc.heightOfString(c.header, { width: c.width - 2 * pad });
        doc.fillColor(COLOR.text).text(c.header, x + pad, y + (headerH - h) / 2, { width: c.width - 2 * pad, align: 'center' });
        x += c.width;
      }
      doc.y = y + headerH;
    };

    this.ensure(headerH + rowH * Math.min(rows.length, 3));
    drawHeader();
    for (const row of rows) {
      if (doc.y + rowH > MAX_Y) {
        doc.addPage();
        drawHeader();
      }
      const y = doc.y;
      let x = LEFT;
      row.forEach((cell, k) => {
        const c = columns[k];
        const cellObj = typeof cell === 'string' ? { text: cell } : cell;
        doc.save().lineWidth(0.5).strokeColor(COLOR.grid).rect(x, y, c.width, rowH).stroke().restore();
        doc
          .font(cellObj.bold ? FONT.bold : FONT.regular)
          .fontSize(fontSize)
          .fillColor(cellObj.color ?? COLOR.text);
        const textY = y + (rowH - doc.currentLineHeight()) / 2 + 0.5;
        if ('flag' in cellObj && cellObj.flag) {
          const w = doc.widthOfString(cellObj.text);
          const dot = 7;
          const start = x + (c.width - (dot + 3 + w)) / 2;
          doc
            .save()
            .fillColor(FLAG_COLOR[cellObj.flag])
            .rect(start, y + (rowH - dot) / 2, dot, dot)
            .fill()
            .restore();
          doc.fillColor(COLOR.text).text(cellObj.text, start + dot + 3, textY, { lineBreak: false });
        } else {
          // A long name shrinks to fit its cell rather than wrap onto the next row.
          this.fit(cellObj.text, c.width - 2 * pad, fontSize, 6.5);
          doc.text(cellObj.text, x + pad, y + (rowH - doc.currentLineHeight()) / 2 + 0.5, { width: c.width - 2 * pad, align: c.align, lineBreak: false });
        }
        x += c.width;
      });
      doc.y = y + rowH;
    }
    doc.x = LEFT;
    doc.fillColor(COLOR.text);
    doc.moveDown(0.5);
  }
}
