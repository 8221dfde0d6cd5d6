// Monthly dossiers chart (data from json_script; no inline script because of the CSP).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("dossier-chart-data");
  var canvas = document.getElementById("dossier-chart");
  if (!el || !canvas || typeof Chart === "undefined") { return; }
  var d = JSON.parse(el.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: d.labels,
      datasets: [
        { label: "Tiếp nhận", data: d.received, backgroundColor: "#1f6feb" },
        { label: "Đúng/trước hạn", data: d.ok, backgroundColor: "#2da44e" },
        { label: "Trễ hạn", data: d.late, backgroundColor: "#cf222e" }
      ]
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false }
  });
});
