/* The peer chart of a results page (progressive enhancement, issue 14).
 * Reads <script type="application/json" id="peer-chart-data"> and draws, per component, the chosen
 * group's private middle half (a floating bar), its private median and the organisation's own score
 * (a marker) with the vendored Chart.js 4 (bundled before this file). The same figures are in the
 * table under the chart, with the organisation's place in words; without JavaScript nothing is lost.
 */
(function () {
  "use strict";

  // Every colour reaches 3:1 against white (WCAG 2.1 SC 1.4.11), as in charts.js.
  var COLOURS = {
    band: "#b3540a", // 4.69:1 (border; the fill is the same colour, lighter)
    bandFill: "rgba(179, 84, 10, 0.25)",
    median: "#26374a", // 12.15:1
    own: "#1f5fa8", // 6.44:1
    text: "#26374a"
  };

  function isArray(value) {
    return Object.prototype.toString.call(value) === "[object Array]";
  }

  function narrowScreen() {
    return !!(window.matchMedia && window.matchMedia("(max-width: 40em)").matches);
  }

  function readSpec() {
    var node = document.getElementById("peer-chart-data");
    if (!node) { return null; }
    try {
      return JSON.parse(node.textContent || "null");
    } catch (error) {
      return null;
    }
  }

  function markers(label, values, colour, style, radius) {
    return {
      type: "line",
      label: label,
      data: values,
      showLine: false,
      borderColor: colour,
      backgroundColor: colour,
      pointStyle: style,
      pointRadius: radius,
      pointHoverRadius: radius + 2,
      pointBorderWidth: 3
    };
  }

  function draw() {
    var Chart = window.Chart;
    var canvas = document.getElementById("peer-chart");
    var spec = readSpec();
    if (typeof Chart !== "function" || !canvas || !spec || !isArray(spec.labels) || !isArray(spec.own)) { return; }
    var datasets = [
      {
        type: "bar",
        label: spec.band_label,
        data: spec.band,
        backgroundColor: COLOURS.bandFill,
        borderColor: COLOURS.band,
        borderWidth: 2,
        borderSkipped: false
      },
      markers(spec.median_label, spec.median, COLOURS.median, "line", 14),
      markers(spec.own_label, spec.own, COLOURS.own, "triangle", 9)
    ];
    new Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        locale: document.documentElement.lang || undefined,
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: narrowScreen() ? 1 : 2,
        scales: {
          x: { ticks: { color: COLOURS.text } },
          y: { min: 0, max: 100, ticks: { color: COLOURS.text } }
        },
        plugins: {
          legend: { labels: { color: COLOURS.text, usePointStyle: true } },
          title: { display: !!spec.title, text: spec.title, color: COLOURS.text }
        }
      }
    });
    canvas.dataset.chartReady = "true";
    canvas.dataset.markerDrawn = String(spec.own.filter(function (v) { return v !== null; }).length);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
