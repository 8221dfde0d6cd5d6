// After "Tiếp nhận và in giấy hẹn": load the receipt (Mẫu 01, PDF) in a hidden frame and open the print
// dialog for it. The link in the notice stays as the way to open or print it again.
(function () {
  "use strict";
  var box = document.getElementById("print-receipt");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-pdf");
  var frame = document.createElement("iframe");
  frame.id = "print-receipt-frame";
  frame.title = box.textContent.trim();
  frame.setAttribute("aria-hidden", "true");
  frame.tabIndex = -1;
  // Hidden but laid out (a frame with display:none is not printed by every browser).
  frame.style.position = "fixed";
  frame.style.right = "0";
  frame.style.bottom = "0";
  frame.style.width = "1px";
  frame.style.height = "1px";
  frame.style.border = "0";
  frame.style.opacity = "0";
  frame.addEventListener("load", function () {
    try {
      frame.contentWindow.focus();
      frame.contentWindow.print();
      box.setAttribute("data-printed", "1");
    } catch (e) {
      // The browser does not print a PDF from a frame: the visible link opens it in a new tab.
      box.setAttribute("data-printed", "0");
    }
  });
  frame.src = url;
  document.body.appendChild(frame);
  // A reload or a later visit must not print again.
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
})();
