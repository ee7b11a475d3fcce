/* The journal's trends charts (Chart.js from static/vendor). The data comes from the page's JSON block; every
   chart has a data table beside it, so the charts are a view of the tables, never the only way to read them. */
(function () {
  "use strict";
  var source = document.getElementById("trends-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var ink = "#1d2433", muted = "#5b6475", accent = "#2f5d8a", warn = "#a86400", bad = "#b3261e", good = "#2e7d4f";
  var palette = ["#2f5d8a", "#a86400", "#2e7d4f", "#6b1f7a", "#b3261e", "#0f7b8a"];
  Chart.defaults.color = ink;
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  function shortDate(iso) {
    var d = new Date(iso + "T00:00:00");
    return d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
  }
  function bandLine(value, label, colour, length) {
    var values = [];
    for (var i = 0; i < length; i++) { values.push(value); }
    return { type: "line", label: label, data: values, borderColor: colour, borderDash: [6, 4], borderWidth: 1.5,
             pointRadius: 0, fill: false, spanGaps: true };
  }
  function axes(yTitle, yMax) {
    var y = { beginAtZero: true, title: { display: true, text: yTitle } };
    if (yMax !== undefined) { y.suggestedMax = yMax; }
    return { x: { ticks: { maxTicksLimit: 8, callback: function (v) { return shortDate(this.getLabelForValue(v)); } } }, y: y };
  }
  function draw(id, datasets, yTitle, yMax) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, { type: "line", data: { labels: data.labels, datasets: datasets },
      options: { scales: axes(yTitle, yMax), interaction: { mode: "index", intersect: false },
                 plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } } } } });
  }
  var n = data.labels.length;
  draw("chart-ferritin", [
    { label: "Ferritin (ng/mL)", data: data.ferritin, borderColor: accent, backgroundColor: accent, spanGaps: true, pointRadius: 4 }
  ].concat(data.ferritin_lines.map(function (l, i) { return bandLine(l[0], l[0] + " ng/mL", i ? bad : warn, n); })), "ng/mL");
  draw("chart-tsat", [
    { label: "Transferrin saturation (%)", data: data.tsat, borderColor: accent, backgroundColor: accent, spanGaps: true, pointRadius: 4 }
  ].concat(data.tsat_lines.map(function (l, i) { return bandLine(l[0], l[0] + "%", i ? bad : warn, n); })), "%", 50);
  draw("chart-severity", [
    { label: "Severity each night", data: data.severity, borderColor: "rgba(91,100,117,.6)", backgroundColor: muted, showLine: false, pointRadius: 2.5 },
    { label: "7-day mean", data: data.severity_mean, borderColor: accent, borderWidth: 2.5, pointRadius: 0, spanGaps: false }
  ], "severity (0–10)", 10);
  draw("chart-sleep", [
    { label: "Hours slept", data: data.hours, borderColor: good, backgroundColor: good, pointRadius: 2, spanGaps: false }
  ], "hours", 9);
  var eaten = Object.keys(data.eaten).map(function (name, i) {
    return { label: name, data: data.eaten[name], borderColor: palette[i], backgroundColor: palette[i], pointRadius: 0, borderWidth: 2 };
  });
  eaten.push(bandLine(100, "Target (100%)", ink, n));
  draw("chart-eaten", eaten, "% of target, 7-day mean", 120);
})();
