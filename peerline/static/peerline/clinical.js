// Clinical pages: the "Copy the address" button of a clinician's calendar feed. Without
// JavaScript the address stays selectable in its read-only field, and the button stays hidden.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentElement.querySelector("[data-copy-status]");
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () { if (status) status.textContent = "Copied."; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (status) status.textContent = "Select the address and copy it.";
        });
      } else {
        try { document.execCommand("copy"); done(); } catch (e) {
          if (status) status.textContent = "Select the address and copy it.";
        }
      }
    });
  });
})();
