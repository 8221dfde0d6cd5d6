/* Charts of the workforce review; clicking a bar drills down (commune → standard). Data come from json_script.
   The percentages are computed on the server exactly as the tables print them; numbers use Vietnamese
   separators (600.000.000; 69,2 %). */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  var LOCALE = "vi-VN";
  function number(v, digits) {
    return Number(v).toLocaleString(LOCALE, { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
  }
  ready(function () {
    var el = document.getElementById("review-data");
    if (!el || typeof Chart === "undefined") { return; }
    Chart.defaults.locale = LOCALE;
    var data = JSON.parse(el.textContent);
    var go = function (params) {
      var q = new URLSearchParams(params); q.set("on", data.on);
      window.location.search = q.toString();
    };
    var percentAxis = { min: 0, max: 100, ticks: { callback: function (v) { return number(v) + " %"; } } };
    var bar = function (id, labels, values, onPick) {
      var canvas = document.getElementById(id);
      if (!canvas) { return; }
      new Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: [{ label: "Tỷ lệ đạt (%)", data: values, backgroundColor: "#1f6feb" }] },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: percentAxis },
          plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.parsed.y === null ? "—" : number(ctx.parsed.y, 1) + " %"; } } } },
          onClick: function (evt, els) { if (onPick && els.length) { onPick(els[0].index); } } }
      });
      canvas.dataset.values = JSON.stringify(values);
    };
    bar("chart-communes", data.communes.map(function (c) { return c.name; }), data.communes.map(function (c) { return c.percent; }),
      function (i) { go({ commune: data.communes[i].code }); });
    bar("chart-standards", data.standards.map(function (s) { return s.label; }), data.standards.map(function (s) { return s.percent; }),
      data.commune ? function (i) { go({ commune: data.commune, standard: data.standards[i].key }); } : null);
    var ages = document.getElementById("chart-ages");
    if (ages) {
      new Chart(ages, { type: "bar", data: { labels: Object.keys(data.ages), datasets: [{ label: "Số người", data: Object.values(data.ages), backgroundColor: "#8250df" }] },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return number(v); } } } } } });
    }
  });
})();
