// Only what the dashboard draws, so the lazily loaded chunk stays small.
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip);
const root = getComputedStyle(document.documentElement);
Chart.defaults.font.family = root.fontFamily;
// The page's type scales with the screen (a wall display reads from across the room); so do the charts.
Chart.defaults.font.size = Math.round(parseFloat(root.fontSize) * 0.8);
Chart.defaults.color = '#4a4540';

export { Chart };
