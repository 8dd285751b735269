import type { Chart } from 'chart.js';

let loading: Promise<typeof Chart> | null = null;

/** chart.js arrives only when a chart is about to be drawn, after the figures are on screen. */
export function loadChart(): Promise<typeof Chart> {
  loading ??= import('./chart-setup.ts').then((m) => m.Chart);
  // A failed download may succeed on the next attempt (a phone regaining signal).
  loading.catch(() => (loading = null));
  return loading;
}
