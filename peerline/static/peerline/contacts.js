// The contact log form: show guidance the moment an answer calls for it — the exception's
// procedure (2011 §6.3), role-conflict guidance (§7.2, §7.3), the referral prompt (§7.3).
// Progressive enhancement only: without JavaScript the same guidance shows after saving.
(function () {
  "use strict";
  var form = document.querySelector("[data-contact-form]");
  if (!form) {
    return;
  }
  var reveals = form.querySelectorAll("[data-reveal-for]");

  function update() {
    reveals.forEach(function (element) {
      var chosen = form.querySelector(
        'input[name="' + element.dataset.revealFor + '"]:checked'
      );
      var values = element.dataset.revealValues.split(" ");
      element.hidden = !(chosen && values.indexOf(chosen.value) !== -1);
      if (element.hidden) {
        // A box that no longer applies is not sent (the family's follow-ups, say).
        element.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          box.checked = false;
        });
      }
    });
  }

  form.addEventListener("change", update);
  update();

  // One tap on Save logs one contact: a second tap while the first is on its way does nothing.
  var saving = false;
  form.addEventListener("submit", function (event) {
    if (saving) {
      event.preventDefault();
    }
    saving = true;
  });
  window.addEventListener("pageshow", function () {
    saving = false;
  });
})();
