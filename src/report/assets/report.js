/* newstone report: draws the charts from the JSON in #nt-data with uPlot. */
(function () {
  "use strict";
  var DAY = 86400;
  var data = JSON.parse(document.getElementById("nt-data").textContent);
  var L = data.labels;
  var drawn = 0;

  /* Days are the pipeline's local days, stored as UTC midnights: shown in UTC so that
     the browser's own time zone never moves them. */
  function tzDate(ts) {
    return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");
  }

  function xs(x0, n) {
    var x = new Array(n);
    for (var i = 0; i < n; i++) x[i] = (x0 + i) * DAY;
    return x;
  }

  function width(el) {
    return Math.max(320, Math.min(1040, el.clientWidth || 900));
  }

  /* Ticks on whole days at least (never hours), and half a day of margin so that the
     first and last bars are drawn whole. */
  var X_INCRS = [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 182 * DAY, 365 * DAY];
  var X_SCALE = { time: true, range: function (u, min, max) { return [min - DAY / 2, max + DAY / 2]; } };
  var X_AXIS = { incrs: X_INCRS };
  function fromZero(u, min, max) { return [0, Math.max(1, max)]; }

  function bars() {
    return uPlot.paths.bars({ size: [0.8, 24], align: 0 });
  }

  function summaryChart(el, d) {
    if (!d.v.length) return;
    new uPlot({
      width: width(el),
      height: 200,
      tzDate: tzDate,
      legend: { show: true },
      scales: { x: X_SCALE, y: { range: fromZero } },
      series: [
        { label: L.date },
        { label: L.articles, stroke: "#3b6ea5", fill: "rgba(59,110,165,0.35)", paths: bars(), points: { show: false } }
      ],
      axes: [X_AXIS, { size: 50 }]
    }, [xs(d.x0, d.v.length), d.v], el);
    drawn++;
  }

  function companyChart(el, d) {
    var n = d.v.length;
    new uPlot({
      width: width(el),
      height: 240,
      tzDate: tzDate,
      scales: { x: X_SCALE, n: { range: fromZero }, s: { range: [-1, 1] } },
      series: [
        { label: L.date },
        { label: L.articles, scale: "n", stroke: "#8aa9c9", fill: "rgba(138,169,201,0.45)", paths: bars(), points: { show: false } },
        { label: L.sentiment, scale: "s", stroke: "#c0504d", width: 0, paths: function () { return null; }, points: { show: true, size: 5, fill: "#c0504d" } },
        { label: L.sentiment_7d, scale: "s", stroke: "#2e7d32", width: 2, spanGaps: false, points: { show: false } }
      ],
      axes: [
        X_AXIS,
        { scale: "n", size: 45 },
        { scale: "s", side: 1, size: 45, grid: { show: false } }
      ]
    }, [xs(d.x0, n), d.v, d.s, d.t], el);
    drawn++;
  }

  var els = document.querySelectorAll("[data-chart]");
  for (var i = 0; i < els.length; i++) {
    var el = els[i];
    var key = el.getAttribute("data-chart");
    try {
      if (key === "summary") summaryChart(el, data.summary);
      else companyChart(el, data.companies[Number(key)]);
    } catch (e) {
      window.__ntErrors.push("chart " + key + ": " + e);
    }
  }
  var status = document.getElementById("nt-status");
  status.setAttribute("data-charts", String(drawn));
  if (status.getAttribute("data-render") === "pending") {
    status.setAttribute("data-render", window.__ntErrors.length ? "errors" : "ok");
  }
  window.__ntMark();
})();
