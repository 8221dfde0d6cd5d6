// "Địa chỉ cũ" helper: a click on a suggested current commune selects it in the form's commune
// field (by code or id) and writes the converted address into the address field.
(function () {
  "use strict";
  function pick(button) {
    var box = button.closest("[data-old-address]");
    if (!box) return;
    var form = box.closest("form") || document;
    var selectId = box.getAttribute("data-commune-target");
    var select = selectId ? form.querySelector("#" + selectId) : null;
    var chosen = box.querySelector(".old-address-chosen");
    var name = button.parentElement.querySelector("strong");
    if (select) {
      var wanted = [button.getAttribute("data-code"), button.getAttribute("data-pk")];
      var found = false;
      for (var i = 0; i < select.options.length; i++) {
        if (wanted.indexOf(select.options[i].value) !== -1) { select.selectedIndex = i; found = true; break; }
      }
      if (found) select.dispatchEvent(new Event("change", { bubbles: true }));
      if (chosen && name) {
        chosen.hidden = false;
        chosen.textContent = found ? "✓ " + name.textContent : name.textContent + " — " + (box.getAttribute("data-msg-outside") || "");
      }
    } else if (chosen && name) {
      chosen.hidden = false;
      chosen.textContent = "✓ " + name.textContent;
    }
    var addressId = box.getAttribute("data-address-target");
    var address = addressId ? form.querySelector("#" + addressId) : null;
    if (address && (!address.value || address.getAttribute("data-from-old") === "1")) {
      address.value = button.getAttribute("data-address");
      address.setAttribute("data-from-old", "1");
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".old-address-pick") : null;
    if (button) { event.preventDefault(); pick(button); }
  });
  document.addEventListener("keydown", function (event) {
    // Enter in the helper field asks for suggestions instead of submitting the whole form.
    if (event.key === "Enter" && event.target && event.target.id === "old-address-input") event.preventDefault();
  });
})();
