// Decision 766 charts: points per group and the ranking (data from json_script; no inline script because of the CSP).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var opts = { responsive: true, maintainAspectRatio: false, animation: false };
  var g = data("groups-chart-data");
  var gc = document.getElementById("groups-chart");
  if (g && gc) {
    var sets = [
      { label: "Điểm đạt", data: g.points, backgroundColor: "#1f6feb" },
      { label: "Điểm đo được", data: g.fed_max, backgroundColor: "#8c959f" },
      { label: "Điểm tối đa", data: g.max, backgroundColor: "#d0d7de" }
    ];
    if (g.compare) { sets.splice(1, 0, { label: g.compare_label, data: g.compare, backgroundColor: "#bf8700" }); }
    new Chart(gc, { type: "bar", data: { labels: g.labels, datasets: sets }, options: opts });
  }
  var t = data("trend-chart-data");
  var tc = document.getElementById("trend-chart");
  if (t && tc) {
    new Chart(tc, {
      type: "line",
      data: { labels: t.labels, datasets: [{ label: "Điểm quy đổi (/100)", data: t.scores, borderColor: "#1f6feb", spanGaps: true }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } }
    });
  }
  var r = data("ranking-chart-data");
  var rc = document.getElementById("ranking-chart");
  if (r && rc && r.labels.length) {
    rc.parentNode.style.height = Math.max(200, r.labels.length * 22) + "px";
    new Chart(rc, {
      type: "bar",
      data: { labels: r.labels, datasets: [{ label: r.label || "Điểm quy đổi (/100)", data: r.scores, backgroundColor: "#2da44e" }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { min: 0, max: 100 } } }
    });
  }
});
