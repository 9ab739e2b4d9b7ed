// The managers' dashboard charts (issue 21): one Chart.js chart per section, drawn from the same rows as the table
// beside it. The page writes each chart's spec as JSON (#dashboard-charts): its canvas, type, labels and datasets.
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
  Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

const PALETTE = ["#417690", "#79aec8", "#e0a040", "#ba2121", "#5b8c3a", "#8a6fb0", "#999999"];

export function drawCharts(specs) {
  for (const spec of specs) {
    const canvas = document.getElementById(spec.canvas);
    if (!canvas) continue;
    const datasets = spec.datasets.map((set, i) => ({
      label: set.label,
      data: set.data,
      type: set.type || spec.type,
      yAxisID: set.axis || "y",
      order: set.type === "line" ? 0 : 1, // a line over the bars, not behind them
      backgroundColor: set.colour || PALETTE[i % PALETTE.length],
      borderColor: set.colour || PALETTE[i % PALETTE.length],
      stack: spec.stacked && !set.type ? "all" : undefined,
    }));
    const scales = {
      x: { stacked: Boolean(spec.stacked) },
      y: { stacked: Boolean(spec.stacked), beginAtZero: true },
    };
    if (spec.datasets.some((set) => set.axis === "y1")) {
      scales.y1 = { position: "right", grid: { drawOnChartArea: false } };
    }
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: spec.horizontal ? { x: scales.y, y: scales.x } : scales,
        plugins: { legend: { display: spec.datasets.length > 1 } },
      },
    });
    canvas.dataset.drawn = "true";
  }
}
