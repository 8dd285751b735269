import type { BriefingCoverage, BriefingModel, BriefingProject, CoverageRow, CoverageTargetLine } from './briefing-model.ts';
import { formatDate, formatIssueNumber, formatParcelsCell, formatParcelsShort, formatPercent, formatTonnes, round } from './format.ts';
import { renderProgressChart } from './charts.ts';
import { LABELS, type Labels } from './labels.ts';
import { COLOR, createPdf, FONT, LEFT, MARGINS, MAX_Y, PdfLayout, RIGHT, TABLE, WIDTH, type Align, type Cell, type Column, type Doc } from './pdf-layout.ts';

// The 红头 briefing's sections, written with the layout kit (pdf-layout.ts).

const TARGET_COLOR: Record<CoverageTargetLine['status'], string> = { met: COLOR.ahead, open: COLOR.open, missed: COLOR.behind };
const CHART_HEIGHT = 180;
const CHART_MIN_HEIGHT = 150;

/**
 * Renders a briefing model to PDF bytes. No database, no clock: the document's dates come
 * from the model's cut-off, so the same model always gives the same bytes.
 */
export async function renderBriefingPdf(model: BriefingModel): Promise<Buffer> {
  const cutOff = new Date(model.cutOffAt);
  const labels = LABELS[model.lang];
  const { doc, finished } = createPdf({
    lang: model.lang === 'zh' ? 'zh-CN' : 'en',
    displayTitle: true,
    info: {
      Title: `${model.title} ${model.lang === 'zh' ? `${model.issue.year}年` : ''}${formatIssueNumber(model.issue, model.lang)}`,
      Author: model.issuingUnit,
      Subject: model.headline,
      Creator: 'Guoyun 果运',
      Producer: 'Guoyun 果运 (pdfkit)',
      // pdfkit would stamp the wall clock here (and derive the file ID from it).
      CreationDate: cutOff,
      ModDate: cutOff,
    },
  });
  new BriefingWriter(doc, model, labels).write();
  doc.end();
  return finished;
}

class BriefingWriter extends PdfLayout {
  private figureNo = 0;

  constructor(
    doc: Doc,
    private readonly model: BriefingModel,
    private readonly t: Labels,
  ) {
    super(doc, model.lang === 'zh');
  }

  write(): void {
    const { model, t } = this;
    this.masthead();
    this.headline();

    let section = 0;
    this.heading1(`${t.numerals(section++)}${t.sections.overall}`);
    model.projects.forEach((p, i) => this.overall(p, i));

    // The policy's other half: 村级通快递. Its heading keeps the summary and the figures with it.
    this.heading1(`${t.numerals(section++)}${t.sections.coverage}`, model.coverage.state === 'reported' ? 130 : 50);
    this.coverage(model.coverage);

    // A section heading must not be left behind when its first table moves to the next page.
    const subheading = model.projects.length > 1 ? 28 : 0;
    const firstTable = (rows: number) => Math.min(TABLE.twoLineHeader + rows * TABLE.rowH + subheading, (MAX_Y - MARGINS.top) / 2);
    this.heading1(`${t.numerals(section++)}${t.sections.towns}`, firstTable((model.projects[0]?.towns.length ?? 0) + 1));
    model.projects.forEach((p, i) => this.townTable(p, i));
    this.note(`${t.notePrefix}${model.flagRule}`);

    this.heading1(`${t.numerals(section++)}${t.sections.carriers}`, firstTable((model.projects[0]?.carriers.length ?? 0) + 1));
    model.projects.forEach((p, i) => this.carrierTable(p, i));

    const products = model.stock.productNames.join(this.zh ? '、' : ', ');
    this.heading1(
      `${t.numerals(section++)}${t.sections.stock}${products ? (this.zh ? `（${products}）` : ` (${products})`) : ''}`,
      firstTable(model.stock.rows.length + 1),
    );
    this.stockTable();

    this.heading1(`${t.numerals(section++)}${t.sections.problems}`);
    this.officialText(model.problems);
    this.heading1(`${t.numerals(section)}${t.sections.nextSteps}`);
    this.officialText(model.nextSteps);

    this.notes();
    this.colophon();
    this.pageFurniture(t.page, model.issue.preview ? t.watermark : null);
  }

  // ── masthead: red title, 第N期, issuing unit left and date right, red rule ─────────────

  private masthead(): void {
    const { doc, model } = this;
    let y = MARGINS.top;
    const spacing = this.zh ? 4 : 0;
    // The title is the official's to choose: it shrinks to stay on one line, and only a very
    // long one wraps (at 20 pt) rather than run off the page.
    doc.font(FONT.bold).fillColor(COLOR.red);
    let size = 30;
    while (size > 20 && doc.fontSize(size).widthOfString(model.title, { characterSpacing: spacing }) > WIDTH) size -= 1;
    doc.fontSize(size);
    const titleOptions = { width: WIDTH, align: 'center' as const, characterSpacing: spacing, lineGap: 2 };
    const titleHeight = doc.heightOfString(model.title, titleOptions);
    doc.text(model.title, LEFT, y, titleOptions);
    y += titleHeight + 4;

    doc.font(FONT.regular).fontSize(14).fillColor(COLOR.text);
    doc.text(formatIssueNumber(model.issue, model.lang), LEFT, y, { width: WIDTH, align: 'center', lineBreak: false });
    y += 30;

    doc.fontSize(11.5);
    const date = formatDate(model.issueDate, model.lang);
    const dateWidth = doc.widthOfString(date);
    const unitWidth = WIDTH - dateWidth - 16;
    // A long issuing unit shrinks a little, then wraps, but never runs into the date.
    let unitSize = 11.5;
    while (unitSize > 9 && doc.fontSize(unitSize).widthOfString(model.issuingUnit) > unitWidth) unitSize -= 0.5;
    const unitHeight = doc.heightOfString(model.issuingUnit, { width: unitWidth });
    doc.text(model.issuingUnit, LEFT, y, { width: unitWidth });
    doc.fontSize(11.5).text(date, RIGHT - dateWidth, y, { width: dateWidth, lineBreak: false });
    y += Math.max(20, unitHeight + 5);

    doc.save().lineWidth(2).strokeColor(COLOR.red).moveTo(LEFT, y).lineTo(RIGHT, y).stroke().restore();
    doc.x = LEFT;
    doc.y = y + 14;
  }

  private headline(): void {
    const { doc, model } = this;
    doc.font(FONT.bold).fontSize(13.5).fillColor(COLOR.text);
    doc.text(model.headline, LEFT, doc.y, { width: WIDTH, lineGap: 4 });
    doc.moveDown(0.2);
    doc.font(FONT.regular).fontSize(9.5).fillColor(COLOR.muted);
    doc.text(model.cutOffLabel, LEFT, doc.y, { width: WIDTH, align: 'right' });
    doc.fillColor(COLOR.text);
  }

  // ── sections ────────────────────────────────────────────────────────────────────────

  private overall(p: BriefingProject, i: number): void {
    const { doc, t } = this;
    this.heading2(`${t.sub(i)}${p.name}`, 110);
    doc.font(FONT.regular).fontSize(11).fillColor(COLOR.text);
    doc.text(p.summary, LEFT, doc.y, { width: WIDTH, lineGap: 4.5, indent: this.zh ? 22 : 0 });
    doc.moveDown(0.5);
    this.figures(p);
    this.chart(p);
  }

  private figures(p: BriefingProject): void {
    const { t, model } = this;
    const f = p.figures;
    const lang = model.lang;
    const parcels = (n: number) => formatParcelsShort(n, lang);
    const sign = f.aheadPoints > 0 ? '+' : f.aheadPoints < 0 ? '−' : '±';
    const points = `${sign}${round(Math.abs(f.aheadPoints), 1).toFixed(1)}${this.zh ? '个百分点' : ' points'}`;
    const needed = p.status === 'ended' || f.requiredDailyRate === null ? t.figures.ended : parcels(f.requiredDailyRate);
    const cells: { label: string; value: string; color?: string }[] = [
      { label: t.figures.target, value: parcels(f.target) },
      { label: t.figures.counted, value: parcels(f.counted) },
      { label: t.figures.percent, value: formatPercent(f.percent) },
      { label: t.figures.elapsed, value: formatPercent(f.elapsedPercent) },
      { label: t.figures.vsPace, value: p.status === 'not-started' ? t.figures.notStarted : points, color: f.aheadPoints < 0 ? COLOR.behind : COLOR.ahead },
      { label: t.figures.confirmed, value: parcels(f.confirmed) },
      { label: t.figures.provisional, value: parcels(f.provisional) },
      { label: t.figures.rateSoFar, value: parcels(f.dailyRateSoFar) },
      { label: t.figures.rateNeeded, value: needed },
      { label: t.figures.projected, value: parcels(f.projected) },
    ];
    this.figureCells(cells, 5);
  }

  private chart(p: BriefingProject): void {
    const { doc, model, t } = this;
    this.figureNo += 1;
    const caption = t.chartCaption(this.figureNo, p.name);
    doc.font(FONT.regular).fontSize(8.5);
    const captionHeight = doc.heightOfString(caption, { width: WIDTH }) + 3;
    // A chart a little shorter beats a chart alone on the next page, up to a point.
    const room = MAX_Y - doc.y - captionHeight;
    const height = room >= CHART_MIN_HEIGHT ? Math.min(CHART_HEIGHT, Math.floor(room)) : CHART_HEIGHT;
    this.ensure(height + captionHeight);
    const png = renderProgressChart({
      lang: model.lang,
      startsOn: p.startsOn,
      endsOn: p.endsOn,
      targetParcels: p.figures.target,
      daily: p.daily,
      cutOffDate: model.issueDate,
      widthPt: Math.round(WIDTH),
      heightPt: height,
      // 180 dpi prints crisply; with many charts, 144 dpi keeps the file near 300 kB.
      scale: model.projects.length > 2 ? 2 : 2.5,
    });
    const y = doc.y;
    doc.image(png, LEFT, y, { width: WIDTH, height });
    doc.font(FONT.regular).fontSize(8.5).fillColor(COLOR.muted);
    doc.text(caption, LEFT, y + height + 3, { width: WIDTH, align: 'center' });
    doc.fillColor(COLOR.text);
    doc.moveDown(0.6);
  }

  /** 快递进村: the county figure in words and in cells, the targets, a table by town, and how it is counted. */
  private coverage(c: BriefingCoverage): void {
    const { doc, t } = this;
    if (c.state === 'not-entered') {
      this.paragraph(c.summary);
      doc.moveDown(0.3);
      return;
    }
    this.paragraph(c.summary);
    doc.moveDown(0.3);
    const f = t.coverageFigures;
    const k = c.county;
    this.figureCells(
      [
        { label: f.rate, value: formatPercent(k.ratePercent), color: COLOR.ahead },
        { label: f.rateWithProxy, value: formatPercent(k.rateWithProxyPercent) },
        { label: f.covered, value: `${k.covered} / ${k.denominator}` },
        { label: f.proxy, value: String(k.coveredByProxy) },
        { label: f.uncovered, value: String(k.uncovered), color: k.uncovered > 0 ? COLOR.behind : undefined },
        { label: f.noData, value: String(k.noData), color: k.noData > 0 ? COLOR.muted : undefined },
      ],
      6,
    );
    this.coverageTargets(c.targets);
    this.coverageTable(c);
    if (c.referenceNote) this.note(c.referenceNote);
    if (c.noDataNote) this.note(c.noDataNote);
    this.note(`${t.notePrefix}${c.rule}`);
  }

  /** One line a target: a coloured mark, what it asks, met / not yet met / missed, and where the county stands. */
  private coverageTargets(lines: CoverageTargetLine[]): void {
    const { doc } = this;
    if (!lines.length) return;
    const size = 10.5;
    const mark = 7;
    const indent = this.zh ? 22 : 0;
    const textX = LEFT + indent + mark + 5;
    const width = RIGHT - textX;
    const colon = this.zh ? '：' : ': ';
    const whole = (l: CoverageTargetLine) => `${l.label}${colon}${l.statusText}${this.zh ? `（${l.detail}）` : ` (${l.detail})`}`;
    doc.font(FONT.regular).fontSize(size);
    const heights = lines.map((l) => doc.heightOfString(whole(l), { width, lineGap: 3 }));
    this.ensure(heights.reduce((a, b) => a + b + 2, 0) + 6);
    lines.forEach((l, i) => {
      const y = doc.y;
      doc
        .save()
        .fillColor(TARGET_COLOR[l.status])
        .rect(LEFT + indent, y + (doc.currentLineHeight() - mark) / 2 + 0.5, mark, mark)
        .fill()
        .restore();
      doc.font(FONT.regular).fontSize(size).fillColor(COLOR.text).text(`${l.label}${colon}`, textX, y, { width, lineGap: 3, continued: true });
      doc.font(FONT.bold).fillColor(TARGET_COLOR[l.status]).text(l.statusText, { continued: true });
      doc
        .font(FONT.regular)
        .fillColor(COLOR.text)
        .text(this.zh ? `（${l.detail}）` : ` (${l.detail})`);
      doc.x = LEFT;
      doc.y = y + heights[i] + 2;
    });
    doc.fillColor(COLOR.text);
    doc.moveDown(0.4);
  }

  private coverageTable(c: Extract<BriefingCoverage, { state: 'reported' }>): void {
    const { t } = this;
    const h = t.coverageColumns;
    const widths = this.zh ? [84, 80, 54, 54, 50, 56, 64] : [110, 74, 50, 50, 46, 54, 58];
    const headers = [h.town, h.covered, h.proxy, h.uncovered, h.noData, h.rate, h.rateWithProxy];
    const aligns: Align[] = ['left', 'center', 'right', 'right', 'right', 'right', 'right'];
    const columns = headers.map((header, k) => ({ header, width: widths[k], align: aligns[k] }));
    const cells = (r: CoverageRow, bold = false): Cell[] => {
      const cell = (text: string, color?: string): Cell => ({ text, bold, color });
      const count = (n: number) => cell(r.referenceOnly ? '—' : String(n));
      return [
        cell(r.referenceOnly ? `${r.name} *` : r.name),
        cell(`${r.referenceOnly ? '—' : r.covered} / ${r.denominator}`),
        count(r.coveredByProxy),
        count(r.uncovered),
        cell(String(r.noData), r.noData > 0 && !bold ? COLOR.muted : undefined),
        cell(formatPercent(r.ratePercent)),
        cell(formatPercent(r.rateWithProxyPercent)),
      ];
    };
    const rows = [...c.towns.map((r) => cells(r)), cells(c.county, true)];
    this.keepTogether(columns, rows, null);
    this.table(columns, rows);
  }

  private townTable(p: BriefingProject, i: number): void {
    const { t, model } = this;
    const lang = model.lang;
    const c = t.townColumns;
    const widths = this.zh ? [28, 66, 54, 50, 44, 54, 46, 54, 46] : [18, 96, 56, 54, 38, 56, 40, 44, 40];
    const headers = [c.rank, c.town, c.counted, c.provisional, c.share, c.allocated, c.completion, c.ofPace, c.flag];
    const aligns: Align[] = ['center', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'center'];
    const columns = headers.map((header, k) => ({ header, width: widths[k], align: aligns[k] }));
    const rows: Cell[][] = p.towns.map((r) => [
      String(r.rank),
      r.name,
      formatParcelsCell(r.counted, lang),
      formatParcelsCell(r.provisional, lang),
      formatPercent(r.sharePercent),
      formatParcelsCell(r.allocatedTarget, lang),
      formatPercent(r.completionPercent),
      formatPercent(r.percentOfPace),
      { text: r.flag ? t.flags[r.flag] : t.noFlag, flag: r.flag },
    ]);
    if (!p.isTownProject) {
      const f = p.figures;
      const ofPace = f.elapsedPercent > 0 ? (f.percent / f.elapsedPercent) * 100 : null;
      rows.push([
        '',
        { text: this.zh ? '全县合计' : 'County', bold: true },
        { text: formatParcelsCell(f.counted, lang), bold: true },
        { text: formatParcelsCell(f.provisional, lang), bold: true },
        { text: f.counted > 0 ? '100.0%' : '—', bold: true },
        { text: formatParcelsCell(f.target, lang), bold: true },
        { text: formatPercent(f.percent), bold: true },
        { text: formatPercent(ofPace), bold: true },
        '',
      ]);
    }
    this.keepTogether(columns, rows, this.model.projects.length > 1 ? `${t.sub(i)}${p.name}` : null);
    this.table(columns, rows);
  }

  private carrierTable(p: BriefingProject, i: number): void {
    const { t, model } = this;
    const lang = model.lang;
    const c = t.carrierColumns;
    const widths = this.zh ? [34, 130, 74, 72, 72, 60] : [24, 140, 74, 72, 72, 60];
    const columns: Column[] = [
      { header: c.index, width: widths[0], align: 'center' },
      { header: c.carrier, width: widths[1], align: 'left' },
      { header: c.counted, width: widths[2], align: 'right' },
      { header: c.confirmed, width: widths[3], align: 'right' },
      { header: c.provisional, width: widths[4], align: 'right' },
      { header: c.share, width: widths[5], align: 'right' },
    ];
    const rows: Cell[][] = p.carriers.map((r, k) => [
      String(k + 1),
      r.name,
      formatParcelsCell(r.counted, lang),
      formatParcelsCell(r.confirmed, lang),
      formatParcelsCell(r.provisional, lang),
      formatPercent(r.sharePercent),
    ]);
    const f = p.figures;
    rows.push([
      '',
      { text: this.zh ? '合计' : 'Total', bold: true },
      { text: formatParcelsCell(f.counted, lang), bold: true },
      { text: formatParcelsCell(f.confirmed, lang), bold: true },
      { text: formatParcelsCell(f.provisional, lang), bold: true },
      { text: f.counted > 0 ? '100.0%' : '—', bold: true },
    ]);
    this.keepTogether(columns, rows, this.model.projects.length > 1 ? `${t.sub(i)}${p.name}` : null);
    this.table(columns, rows);
  }

  private stockTable(): void {
    const { doc, t, model } = this;
    const c = t.stockColumns;
    if (!model.stock.rows.length) {
      this.paragraph(t.noStock);
      return;
    }
    const widths = this.zh ? [122, 74, 48, 60, 50, 50, 38] : [122, 74, 54, 56, 48, 52, 36];
    const columns: Column[] = [
      { header: c.facility, width: widths[0], align: 'left' },
      { header: c.town, width: widths[1], align: 'left' },
      { header: c.kind, width: widths[2], align: 'center' },
      { header: c.product, width: widths[3], align: 'left' },
      { header: c.weight, width: widths[4], align: 'right' },
      { header: c.capacity, width: widths[5], align: 'right' },
      { header: c.utilisation, width: widths[6], align: 'right' },
    ];
    const rows: Cell[][] = model.stock.rows.map((r) => [
      r.facilityName,
      r.townName,
      r.kind,
      r.productName,
      formatTonnes(r.weightKg),
      r.capacityKg === null ? '—' : formatTonnes(r.capacityKg),
      formatPercent(r.utilisationPercent),
    ]);
    rows.push([{ text: c.total, bold: true }, '', '', '', { text: formatTonnes(model.stock.totalKg), bold: true }, '', '']);
    this.keepTogether(columns, rows, null);
    this.table(columns, rows);
    doc.moveDown(0.2);
  }

  private officialText(text: string | null): void {
    const { doc, t } = this;
    if (text === null) {
      doc
        .font(FONT.regular)
        .fontSize(11)
        .fillColor(COLOR.muted)
        .text(t.toBeWritten, LEFT, doc.y, { width: WIDTH, indent: this.zh ? 22 : 0 });
      doc.fillColor(COLOR.text).moveDown(0.4);
      return;
    }
    for (const para of text
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean))
      this.paragraph(para);
  }

  private notes(): void {
    const { doc, t, model } = this;
    this.ensure(40);
    doc.moveDown(0.6);
    doc
      .font(FONT.bold)
      .fontSize(9)
      .fillColor(COLOR.muted)
      .text(`${t.sections.notes}${this.zh ? '：' : ':'}`, LEFT, doc.y, { width: WIDTH });
    doc.font(FONT.regular).fontSize(8.5);
    model.notes.forEach((n, k) => {
      doc.text(`${k + 1}. ${n}`, LEFT, doc.y + 1, { width: WIDTH, lineGap: 2 });
    });
    doc.fillColor(COLOR.text);
  }

  // ── 版记: recipients, the issuing line and copies, at the foot of the last page ────────

  private colophon(): void {
    const { doc, t, model } = this;
    const size = 10.5;
    const pad = 5;
    doc.font(FONT.regular).fontSize(size);
    const entries = (['bao', 'song', 'fa'] as const)
      .filter((k) => model.recipients[k])
      .map((k) => ({ label: t.recipients[k], text: model.recipients[k] as string }));
    const rowHeight = (label: string, text: string) => doc.heightOfString(text, { width: WIDTH - doc.widthOfString(label) - 2 * pad }) + 2 * pad;
    const issued = t.issued(model.issuingUnit, formatDate(model.issueDate, model.lang));
    const copies = model.copies ? t.copies(model.copies) : '';
    const issuedRow = doc.heightOfString(issued, { width: WIDTH - doc.widthOfString(copies) - 3 * pad }) + 2 * pad;
    const height = entries.reduce((h, e) => h + rowHeight(e.label, e.text), 0) + issuedRow;

    if (doc.y + 16 > MAX_Y - height) doc.addPage();
    let y = MAX_Y - height;
    const rule = (at: number, width: number) => doc.save().lineWidth(width).strokeColor(COLOR.text).moveTo(LEFT, at).lineTo(RIGHT, at).stroke().restore();
    rule(y, 1);
    for (const e of entries) {
      const labelWidth = doc.widthOfString(e.label);
      const h = rowHeight(e.label, e.text);
      doc.fillColor(COLOR.text).text(e.label, LEFT + pad, y + pad, { lineBreak: false });
      doc.text(e.text, LEFT + pad + labelWidth, y + pad, { width: WIDTH - labelWidth - 2 * pad });
      y += h;
      rule(y, 0.5);
    }
    doc.text(issued, LEFT + pad, y + pad, { width: WIDTH - doc.widthOfString(copies) - 3 * pad });
    if (copies) doc.text(copies, RIGHT - pad - doc.widthOfString(copies), y + pad, { lineBreak: false });
    y += issuedRow;
    rule(y, 1);
  }

  /** Page numbers "— n —" (odd pages at the right, even at the left, as GB/T 9704 has it) and the preview watermark. */
}
