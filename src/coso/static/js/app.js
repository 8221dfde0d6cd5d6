// Coso front-end glue (no inline scripts: the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.querySelectorAll("select.js-autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (ev) { if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); } });
  });
  // After a failed submit the focus goes to the first error (the summary at the top of the form, else
  // the first field marked in error), not to the page body; the summary's links focus their field.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        var target = document.getElementById(a.getAttribute("href").slice(1));
        if (target) { ev.preventDefault(); target.focus(); target.scrollIntoView({block: "center"}); }
      });
    });
  } else {
    var first = document.querySelector(".has-error input:not([type=hidden]), .has-error select, .has-error textarea, .form-errors[role=alert]");
    if (first) {
      if (!first.matches("input, select, textarea") && !first.hasAttribute("tabindex")) { first.setAttribute("tabindex", "-1"); }
      first.focus();
    }
  }
  // A wide table scrolls inside its box: make the box reachable with the keyboard (tabindex=0) and name it
  // (a region labelled by the table's caption or the heading before it) so it can scroll without a mouse.
  function labelFor(box) {
    var cap = box.querySelector("caption");
    if (box.dataset.label) { return box.dataset.label; }
    if (cap && cap.textContent.trim()) { return cap.textContent.trim(); }
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) { return el.textContent.trim(); }
    }
    var h1 = document.querySelector("main h1");
    return h1 ? h1.textContent.trim() : "";
  }
  function markScrollBoxes() {
    document.querySelectorAll(".table-wrap, .scroll-box").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) { box.setAttribute("aria-label", labelFor(box)); box.dataset.scrollLabel = "1"; }
        box.dataset.scrollMarked = "1";
      } else if (!scrolls && box.dataset.scrollMarked) {
        box.removeAttribute("tabindex"); box.removeAttribute("role");
        if (box.dataset.scrollLabel) { box.removeAttribute("aria-label"); delete box.dataset.scrollLabel; }
        delete box.dataset.scrollMarked;
      }
    });
  }
  markScrollBoxes();
  window.addEventListener("resize", markScrollBoxes);
  document.body.addEventListener("htmx:afterSettle", markScrollBoxes);
});
