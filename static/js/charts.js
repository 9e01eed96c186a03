/* Results charts (progressive enhancement).
 * Reads the JSON in <script type="application/json" id="chart-data"> and draws the charts with the
 * vendored Chart.js 4 (bundled just before this file). Every number is also in an HTML table on the
 * page, so the charts carry no information of their own; without JavaScript nothing is lost.
 * No inline script or style is needed: works under `script-src 'self'; style-src 'self'`.
 */
(function () {
  "use strict";

  // PALETTE: every colour must reach a 3:1 contrast against white (WCAG 2.1 SC 1.4.11);
  // tests/web/test_vendor_assets.py parses this object and checks it. Hex colours only.
  var PALETTE = {
    organisation: "#1f5fa8", // 6.44:1
    peer: "#b3540a", // 4.69:1
    figures: "#26374a", // 12.15:1
    answer: "#000000", // 21:1, the outline of the organisation's own answers on the 2017 chart
    text: "#26374a" // axis labels, legend and title
  };
  // END PALETTE

  function parseData() {
    var node = document.getElementById("chart-data");
    if (!node) { return null; }
    try {
      return JSON.parse(node.textContent || "null");
    } catch (error) {
      return null;
    }
  }

  function isArray(value) {
    return Object.prototype.toString.call(value) === "[object Array]";
  }

  function narrowScreen() {
    return !!(window.matchMedia && window.matchMedia("(max-width: 40em)").matches);
  }

  // "50 %" in French, "50%" in English; plain numbers if Intl cannot format percent units.
  function percentFormatter(locale) {
    var format;
    try {
      format = new Intl.NumberFormat(locale, { style: "unit", unit: "percent", maximumFractionDigits: 1 });
    } catch (error) {
      format = null;
    }
    return function (value) {
      if (value === null || value === undefined) { return ""; }
      return format ? format.format(value) : String(value);
    };
  }

  function solidBars(label, values, colour) {
    return {
      label: label,
      data: values,
      backgroundColor: colour,
      borderColor: colour,
      borderWidth: 1
    };
  }

  function baseOptions(locale, phoneRatio, wideRatio) {
    return {
      locale: locale,
      animation: false, // no motion (prefers-reduced-motion) and deterministic rendering for tests
      responsive: true,
      maintainAspectRatio: true,
      // Taller charts on phones (chosen once, at load), so bars and labels stay readable.
      aspectRatio: narrowScreen() ? phoneRatio : wideRatio,
      plugins: {
        legend: { labels: { color: PALETTE.text } },
        title: { display: false, color: PALETTE.text }
      }
    };
  }

  function valueAxis(tickCallback) {
    var axis = { min: 0, max: 100, ticks: { color: PALETTE.text } };
    if (tickCallback) { axis.ticks.callback = tickCallback; }
    return axis;
  }

  function markReady(canvas) {
    canvas.dataset.chartReady = "true";
  }

  function drawComponents(Chart, canvas, spec, locale) {
    if (!canvas || !spec || !isArray(spec.labels) || !isArray(spec.organisation)) { return; }
    var datasets = [solidBars(spec.organisation_label, spec.organisation, PALETTE.organisation)];
    if (isArray(spec.peer_median)) {
      datasets.push(solidBars(spec.peer_label, spec.peer_median, PALETTE.peer));
    }
    var options = baseOptions(locale, 1, 2);
    options.scales = {
      x: { ticks: { color: PALETTE.text } },
      y: valueAxis(null)
    };
    if (spec.title) {
      options.plugins.title.display = true;
      options.plugins.title.text = spec.title;
    }
    new Chart(canvas, { type: "bar", data: { labels: spec.labels, datasets: datasets }, options: options });
    markReady(canvas);
  }

  // Split a label into lines of at most `width` characters (between words: no word is cut).
  function wrapLabel(text, width) {
    var lines = [];
    var line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  // Diagonal stripes for "our reading of the report" (told apart from published figures by pattern, not colour alone).
  function stripes(colour) {
    var tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    var context = tile.getContext("2d");
    if (!context) { return colour; }
    context.strokeStyle = colour;
    context.lineWidth = 3;
    context.beginPath();
    context.moveTo(-2, 10);
    context.lineTo(10, -2);
    context.moveTo(6, 10);
    context.lineTo(10, 6);
    context.moveTo(-2, 2);
    context.lineTo(2, -2);
    context.stroke();
    return context.createPattern(tile, "repeat") || colour;
  }

  function onlyWhere(values, keep) {
    return values.map(function (value, index) { return keep(index) ? value : null; });
  }

  // The 2017 figures: published figures solid, the tool's readings striped, the organisation's answer
  // written under each label and its chosen options outlined in black ("Your answer" in the legend).
  function drawFigures(Chart, canvas, spec, locale) {
    if (!canvas || !spec || !isArray(spec.labels) || !isArray(spec.values)) { return; }
    var percent = percentFormatter(locale);
    var narrow = narrowScreen();
    var kinds = isArray(spec.kinds) ? spec.kinds : [];
    var yours = isArray(spec.yours) ? spec.yours : [];
    var selected = isArray(spec.selected) ? spec.selected : [];
    var labels = spec.labels.map(function (label, index) {
      var lines = wrapLabel(label, narrow ? 22 : 44);
      if (yours[index]) { lines = lines.concat(wrapLabel("→ " + yours[index], narrow ? 22 : 44)); }
      return lines;
    });
    var datasets = [
      { label: spec.stated_label || spec.label, data: onlyWhere(spec.values, function (i) { return kinds[i] !== "reading"; }),
        backgroundColor: PALETTE.figures, borderColor: PALETTE.figures, borderWidth: 1, grouped: false, skipNull: true },
      { label: spec.reading_label || spec.label, data: onlyWhere(spec.values, function (i) { return kinds[i] === "reading"; }),
        backgroundColor: stripes(PALETTE.figures), borderColor: PALETTE.figures, borderWidth: 1, grouped: false, skipNull: true }
    ];
    if (spec.yours_label) {
      datasets.push({ label: spec.yours_label, data: onlyWhere(spec.values, function (i) { return selected[i] === true; }),
        backgroundColor: "transparent", borderColor: PALETTE.answer, borderWidth: 3, grouped: false, skipNull: true });
    }
    // Tall enough for every wrapped label (no label is cut off on a phone): the aspect ratio follows the lines.
    // Every category gets the same height: enough for the longest label, plus the legend and the axis.
    var maxLines = labels.reduce(function (most, lines) { return Math.max(most, lines.length); }, 1);
    var height = labels.length * (maxLines * (narrow ? 14 : 16) + 14) + 150;
    var width = (canvas.parentNode && canvas.parentNode.clientWidth) || 320;
    var options = baseOptions(locale, 0.9, 2);
    options.aspectRatio = width / height;
    options.indexAxis = "y";
    options.scales = {
      x: valueAxis(function (value) { return percent(value); }),
      y: { ticks: { color: PALETTE.text, autoSkip: false, font: { size: narrow ? 11 : 12 } } }
    };
    options.plugins.tooltip = {
      callbacks: {
        label: function (context) {
          var prefix = context.dataset.label ? context.dataset.label + ": " : "";
          return prefix + percent(context.parsed.x);
        }
      }
    };
    if (spec.title) {
      options.plugins.title.display = true;
      options.plugins.title.text = spec.title;
    }
    new Chart(canvas, { type: "bar", data: { labels: labels, datasets: datasets }, options: options });
    markReady(canvas);
  }

  function line(label, values, colour) {
    return {
      label: label,
      data: values,
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 2,
      pointRadius: 4,
      fill: false,
      spanGaps: false // a submission without a score leaves a gap, never an invented point
    };
  }

  // Generic charts: <canvas data-chart="key"> drawn from data.charts[key] (or from a
  // <script type="application/json" data-chart-specs> of the page) =
  // {type?: "bar"|"line", labels: [...], datasets: [{label, data}], max?: number}.
  // Grouped bars by default; series take the palette in order.
  function drawGeneric(Chart, canvas, spec, locale) {
    if (!canvas || !spec || !isArray(spec.labels) || !isArray(spec.datasets)) { return; }
    var type = spec.type === "line" ? "line" : "bar";
    var colours = [PALETTE.organisation, PALETTE.peer, PALETTE.figures];
    var datasets = spec.datasets.map(function (series, index) {
      var colour = colours[index % colours.length];
      return type === "line" ? line(series.label, series.data, colour) : solidBars(series.label, series.data, colour);
    });
    var options = baseOptions(locale, 1, 2);
    var axis = { min: 0, ticks: { color: PALETTE.text } };
    if (typeof spec.max === "number") { axis.max = spec.max; }
    options.scales = { x: { ticks: { color: PALETTE.text } }, y: axis };
    new Chart(canvas, { type: type, data: { labels: spec.labels, datasets: datasets }, options: options });
    markReady(canvas);
  }

  // Chart data that page partials carry in <script type="application/json" data-chart-specs>.
  function partialSpecs() {
    var specs = {};
    document.querySelectorAll("script[data-chart-specs]").forEach(function (node) {
      var parsed;
      try {
        parsed = JSON.parse(node.textContent || "null");
      } catch (error) {
        parsed = null;
      }
      if (!parsed || typeof parsed !== "object") { return; }
      Object.keys(parsed).forEach(function (key) { specs[key] = parsed[key]; });
    });
    return specs;
  }

  function init() {
    var Chart = window.Chart;
    if (typeof Chart !== "function") { return; }
    var data = parseData();
    if (!data || typeof data !== "object") { return; }
    var locale = document.documentElement.lang || undefined;
    drawComponents(Chart, document.getElementById("components-chart"), data.components, locale);
    drawFigures(Chart, document.getElementById("figures-chart"), data.figures2017, locale);
    var extra = partialSpecs();
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var key = canvas.getAttribute("data-chart");
      drawGeneric(Chart, canvas, (data.charts || {})[key] || extra[key], locale);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
