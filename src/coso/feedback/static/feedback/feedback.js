// Feedback pages: current location, anonymous toggle, response templates. No inline scripts (CSP).
(function () {
  "use strict";
  var locBtn = document.getElementById("use-location");
  if (locBtn && navigator.geolocation) {
    locBtn.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
        document.getElementById("id_long").value = pos.coords.longitude.toFixed(6);
      });
    });
  } else if (locBtn) {
    locBtn.hidden = true;
  }
  var anon = document.getElementById("id_anonymous");
  var contact = document.getElementById("contact-fields");
  if (anon && contact) {
    var sync = function () { contact.hidden = anon.checked; };
    anon.addEventListener("change", sync);
    sync();
  }
  var pick = document.getElementById("template-pick");
  var dataEl = document.getElementById("template-data");
  if (pick && dataEl) {
    var data = JSON.parse(dataEl.textContent);
    pick.addEventListener("change", function () {
      var target = document.getElementById(pick.dataset.target);
      if (target && data[pick.value]) { target.value = data[pick.value]; }
    });
  }
})();
