// The managers' dashboard page: draws each section's chart with the bundled Chart.js code (no inline script).
const script = document.currentScript || document.querySelector("script[data-charts]");
const specs = JSON.parse(document.getElementById("dashboard-charts").textContent);
import(script.dataset.charts).then(({ drawCharts }) => {
  drawCharts(specs);
  document.body.dataset.charts = "drawn";
});
