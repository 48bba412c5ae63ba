// The incident form: show the usual team size for the type chosen (the server applies the same
// default when the field is left empty). Progressive enhancement only.
(function () {
  "use strict";
  var form = document.querySelector("[data-incident-form]");
  if (!form) {
    return;
  }
  var size = form.querySelector("[data-team-size-input]");

  function update() {
    var chosen = form.querySelector('input[name="type"]:checked');
    if (size && chosen) {
      size.placeholder = chosen.dataset.teamSize;
    }
  }

  form.addEventListener("change", update);
  update();
})();
