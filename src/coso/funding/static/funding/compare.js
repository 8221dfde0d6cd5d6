// Scenario comparison charts (Chart.js, vendored). Data come from the json_script element #compare-data.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("compare-data");
  if (!el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var colors = ["#555555", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a"];
  // Vietnamese grouping with dots (600.000.000), whatever the browser's locale data.
  var grouped = function (v) {
    var n = Math.round(Number(v) || 0);
    return (n < 0 ? "−" : "") + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  };
  var money = function (v) { return grouped(v) + " đ"; };
  var axis = { ticks: { callback: function (value) { return grouped(value); } } };
  var opts = function (title) {
    return { responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: title },
      tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money(ctx.parsed.y !== undefined ? ctx.parsed.y : ctx.parsed.x); } } } } };
  };
  var cat = document.getElementById("chart-categories");
  if (cat) {
    new Chart(cat, { type: "bar", data: { labels: data.categories, datasets: data.scenarios.map(function (name, i) {
      return { label: name, data: data.category_values[i], backgroundColor: colors[i % colors.length] }; }) },
      options: Object.assign(opts("Kinh phí theo nhóm (đồng)"), { scales: { y: axis } }) });
  }
  var com = document.getElementById("chart-communes");
  if (com && data.communes.length) {
    new Chart(com, { type: "bar", data: { labels: data.communes, datasets: data.scenarios.slice(1).map(function (name, i) {
      return { label: name, data: data.commune_diffs[i], backgroundColor: colors[(i + 1) % colors.length] }; }) },
      options: Object.assign(opts("Chênh lệch theo xã, phường (tăng nhiều nhất, đồng)"), { indexAxis: "y", scales: { x: axis } }) });
  }
});
