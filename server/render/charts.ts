import { crc32, deflateSync } from 'node:zlib';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import { datesFrom } from '../rules/time.ts';
import type { Lang } from '../rules/numbers.ts';
import { CHART_FONT_FAMILY, fontPath } from './fonts.ts';

// Charts are drawn on the server with chart.js on @napi-rs/canvas. They must be byte-for-byte
// repeatable (a re-rendered briefing must not differ), so: no animation, no responsiveness,
// no events, a fixed pixel ratio, an opaque background and our own registered font.

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend);

let fontRegistered = false;
function ensureFont(): void {
  if (fontRegistered) return;
  // Registered under our own family name so a system font of the same name can never stand in.
  if (!GlobalFonts.registerFromPath(fontPath('regular'), CHART_FONT_FAMILY)) throw new Error('could not register the chart font');
  fontRegistered = true;
}

export type ProgressChartInput = {
  lang: Lang;
  startsOn: string;
  endsOn: string;
  targetParcels: number;
  /** Days from the start to the cut-off, with the parcels counted each day and the running total. */
  daily: readonly { date: string; counted: number; cumulative: number }[];
  cutOffDate: string;
  /** Size on the page, in points; the bitmap is `scale` times larger for print. */
  widthPt: number;
  heightPt: number;
  scale?: number;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const COLORS = { counted: '#1f4e79', pace: '#c0392b', daily: '#bdd7ee', grid: '#e3e3e3', text: '#333333', marker: '#7f7f7f' };

/** The unit the axes are labelled in: 万件 for Chinese readers, thousands or millions in English. */
export function chartUnit(lang: Lang, targetParcels: number): { divisor: number; label: string } {
  if (lang === 'zh') return { divisor: 10_000, label: '万件' };
  return targetParcels >= 2_000_000 ? { divisor: 1_000_000, label: 'million parcels' } : { divisor: 1_000, label: 'thousand parcels' };
}

/**
 * Cumulative counted parcels against the pace line (target × share of the period elapsed,
 * 序时进度) over the whole period, with each day's parcels as bars on the right axis and a
 * marker at the data cut-off. Returns a PNG.
 */
export function renderProgressChart(input: ProgressChartInput): Buffer {
  ensureFont();
  const scale = input.scale ?? 2.5;
  const zh = input.lang === 'zh';
  const unit = chartUnit(input.lang, input.targetParcels);
  const dates = datesFrom(input.startsOn, input.endsOn);
  const byDate = new Map(input.daily.map((d) => [d.date, d]));
  const total = dates.length;
  const lastCounted = input.daily.length ? input.daily[input.daily.length - 1].date : null;
  const scaled = (n: number) => Math.round((n / unit.divisor) * 1000) / 1000;

  const cumulative = dates.map((d) => (lastCounted !== null && d <= lastCounted ? scaled(byDate.get(d)?.cumulative ?? 0) : null));
  // Carry the running total over days with no entry, so the line never drops to zero mid-season.
  let carried = 0;
  for (let i = 0; i < cumulative.length; i++) {
    if (cumulative[i] === null) continue;
    carried = byDate.has(dates[i]) ? (cumulative[i] as number) : carried;
    cumulative[i] = carried;
  }
  const perDay = dates.map((d) => (lastCounted !== null && d <= lastCounted ? scaled(byDate.get(d)?.counted ?? 0) : null));
  const pace = dates.map((_, i) => scaled((input.targetParcels * (i + 1)) / total));
  const labels = dates.map((d) =>
    zh ? `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日` : `${Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1]}`,
  );
  const cutOffIndex = dates.indexOf(input.cutOffDate);

  const cutOffMarker: Plugin<'bar' | 'line'> = {
    id: 'cutOffMarker',
    afterDatasetsDraw(chart) {
      if (cutOffIndex < 0) return;
      const x = chart.scales.x.getPixelForValue(cutOffIndex);
      const { top, bottom } = chart.chartArea;
      const g = chart.ctx;
      g.save();
      g.strokeStyle = COLORS.marker;
      g.lineWidth = 0.8;
      g.setLineDash([2, 2]);
      g.beginPath();
      g.moveTo(x, top);
      g.lineTo(x, bottom);
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = COLORS.marker;
      g.font = `7px "${CHART_FONT_FAMILY}"`;
      const text = zh ? `数据截至${labels[cutOffIndex]}` : `cut-off ${labels[cutOffIndex]}`;
      const w = g.measureText(text).width;
      // Keep the label inside the plot: to the right of the line, or to its left near the end,
      // on a white ground so the lines it crosses do not strike through it.
      const left = x + 4 + w > chart.chartArea.right ? x - 4 - w : x + 4;
      g.fillStyle = '#ffffff';
      g.fillRect(left - 1.5, top + 1, w + 3, 9);
      g.fillStyle = COLORS.marker;
      g.textAlign = 'left';
      g.fillText(text, left, top + 8);
      g.restore();
    },
  };
  const whiteBackground: Plugin<'bar' | 'line'> = {
    id: 'whiteBackground',
    beforeDraw(chart) {
      const g = chart.ctx;
      g.save();
      g.fillStyle = '#ffffff';
      g.fillRect(0, 0, chart.width, chart.height);
      g.restore();
    },
  };

  const config: ChartConfiguration<'bar' | 'line', (number | null)[], string> = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'line',
          label: zh ? '累计揽收' : 'Counted, cumulative',
          data: cumulative,
          pointStyle: 'line',
          borderColor: COLORS.counted,
          backgroundColor: COLORS.counted,
          borderWidth: 2,
          pointRadius: 0,
          yAxisID: 'y',
          order: 1,
          spanGaps: false,
        },
        {
          type: 'line',
          label: zh ? '序时进度' : 'Time-elapsed pace',
          data: pace,
          pointStyle: 'line',
          borderColor: COLORS.pace,
          backgroundColor: COLORS.pace,
          borderWidth: 1.4,
          borderDash: [5, 3],
          pointRadius: 0,
          yAxisID: 'y',
          order: 2,
        },
        {
          type: 'bar',
          label: zh ? '日揽收（右轴）' : 'Daily (right axis)',
          data: perDay,
          pointStyle: 'rect',
          backgroundColor: COLORS.daily,
          borderWidth: 0,
          yAxisID: 'y2',
          barPercentage: 1,
          categoryPercentage: 1,
          order: 3,
        },
      ],
    },
    options: {
      responsive: false,
      animation: false,
      events: [],
      devicePixelRatio: scale,
      layout: { padding: { top: 2, right: 4, bottom: 0, left: 2 } },
      font: { family: CHART_FONT_FAMILY, size: 8 },
      color: COLORS.text,
      plugins: {
        legend: {
          position: 'top',
          labels: { usePointStyle: true, pointStyleWidth: 16, boxHeight: 6, padding: 10, font: { family: CHART_FONT_FAMILY, size: 8 } },
        },
        tooltip: { enabled: false },
      },
      scales: {
        x: {
          grid: { display: false },
          ticks: { autoSkip: true, maxTicksLimit: 9, maxRotation: 0, font: { family: CHART_FONT_FAMILY, size: 7.5 }, color: COLORS.text },
        },
        y: {
          beginAtZero: true,
          suggestedMax: scaled(input.targetParcels),
          grid: { color: COLORS.grid },
          title: {
            display: true,
            text: zh ? `累计（${unit.label}）` : `cumulative (${unit.label})`,
            font: { family: CHART_FONT_FAMILY, size: 7.5 },
            color: COLORS.text,
            padding: 2,
          },
          ticks: { maxTicksLimit: 6, font: { family: CHART_FONT_FAMILY, size: 7.5 }, color: COLORS.text },
        },
        y2: {
          position: 'right',
          beginAtZero: true,
          grid: { display: false },
          title: {
            display: true,
            text: zh ? `日揽收（${unit.label}）` : `daily (${unit.label})`,
            font: { family: CHART_FONT_FAMILY, size: 7.5 },
            color: '#5b7ea6',
            padding: 2,
          },
          ticks: { maxTicksLimit: 6, font: { family: CHART_FONT_FAMILY, size: 7.5 }, color: '#5b7ea6' },
        },
      },
    },
    plugins: [whiteBackground, cutOffMarker],
  };

  const canvas = createCanvas(input.widthPt, input.heightPt);
  const context = canvas.getContext('2d');
  // chart.js reads the canvas size as CSS pixels and multiplies by devicePixelRatio itself.
  const chart = new Chart(context as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return opaquePng(image.data, image.width, image.height);
  } finally {
    chart.destroy();
  }
}

/**
 * Encodes an opaque RGBA bitmap as an RGB PNG. The canvas only writes RGBA PNGs, and pdfkit
 * must decode those pixel by pixel to split off the alpha channel (a third of a render's
 * time); an RGB PNG's compressed rows go into the PDF as they are. Each row takes whichever
 * of the None, Sub and Up filters leaves the smallest residue, as libpng does.
 */
export function opaquePng(rgba: Uint8ClampedArray, width: number, height: number): Buffer {
  const stride = width * 3;
  const rows = Buffer.alloc((stride + 1) * height);
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  const candidates = [new Uint8Array(stride), new Uint8Array(stride), new Uint8Array(stride)];
  for (let y = 0; y < height; y++) {
    for (let x = 0, s = y * width * 4; x < width; x++, s += 4) {
      cur[x * 3] = rgba[s];
      cur[x * 3 + 1] = rgba[s + 1];
      cur[x * 3 + 2] = rgba[s + 2];
    }
    const [none, sub, up] = candidates;
    const cost = [0, 0, 0];
    for (let i = 0; i < stride; i++) {
      none[i] = cur[i];
      sub[i] = (cur[i] - (i >= 3 ? cur[i - 3] : 0)) & 0xff;
      up[i] = (cur[i] - prev[i]) & 0xff;
      cost[0] += none[i] < 128 ? none[i] : 256 - none[i];
      cost[1] += sub[i] < 128 ? sub[i] : 256 - sub[i];
      cost[2] += up[i] < 128 ? up[i] : 256 - up[i];
    }
    const best = cost[1] < cost[0] ? (cost[2] < cost[1] ? 2 : 1) : cost[2] < cost[0] ? 2 : 0;
    const at = y * (stride + 1);
    rows[at] = best;
    rows.set(candidates[best], at + 1);
    prev.set(cur);
  }
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
