/* Charts of the workforce review; clicking a bar drills down (commune → standard). Data come from json_script. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  ready(function () {
    var el = document.getElementById("review-data");
    if (!el || typeof Chart === "undefined") { return; }
    var data = JSON.parse(el.textContent);
    var pct = function (v) { return v === null ? 0 : Math.round(v * 1000) / 10; };
    var go = function (params) {
      var q = new URLSearchParams(params); q.set("on", data.on);
      window.location.search = q.toString();
    };
    var bar = function (id, labels, values, onPick) {
      var canvas = document.getElementById(id);
      if (!canvas) { return; }
      new Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: [{ label: "%", data: values, backgroundColor: "#1f6feb" }] },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } },
          onClick: function (evt, els) { if (onPick && els.length) { onPick(els[0].index); } } }
      });
    };
    bar("chart-communes", data.communes.map(function (c) { return c.name; }), data.communes.map(function (c) { return pct(c.rate); }),
      function (i) { go({ commune: data.communes[i].code }); });
    bar("chart-standards", data.standards.map(function (s) { return s.label; }), data.standards.map(function (s) { return pct(s.rate); }),
      data.commune ? function (i) { go({ commune: data.commune, standard: data.standards[i].key }); } : null);
    var ages = document.getElementById("chart-ages");
    if (ages) {
      new Chart(ages, { type: "bar", data: { labels: Object.keys(data.ages), datasets: [{ label: "Số người", data: Object.values(data.ages), backgroundColor: "#8250df" }] },
        options: { responsive: true, maintainAspectRatio: false } });
    }
  });
})();
