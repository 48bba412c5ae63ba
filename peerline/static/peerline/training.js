// The attendance roster (2011 §8.2): filter names as you type, tick or untick everyone shown,
// a live count, and hours typed for someone tick them. Progressive enhancement only: without
// JavaScript the same buttons post the roster back and the server applies them. The roster
// comes a page at a time: a page link followed with ticks not saved saves them first.
(function () {
  "use strict";
  var form = document.querySelector("[data-roster]");
  if (!form) {
    return;
  }
  var input = form.querySelector("[data-roster-filter]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-roster-row]"));
  var count = form.querySelector("[data-roster-count]");
  var empty = form.querySelector("[data-roster-empty]");

  function box(row) {
    return row.querySelector('input[name="attended"]');
  }

  function update() {
    var ticked = rows.filter(function (row) {
      return box(row).checked;
    }).length;
    count.textContent = ticked + " ticked of " + rows.length;
  }

  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var name = row.getAttribute("data-name");
      var match = words.every(function (word) {
        return name.indexOf(word) !== -1;
      });
      row.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    empty.hidden = shown !== 0 || rows.length === 0;
  }

  function tickShown(value) {
    dirty = true;
    rows.forEach(function (row) {
      if (!row.hidden) {
        box(row).checked = value;
      }
    });
    update();
  }

  var searchButton = form.querySelector("[data-roster-filter-button]");
  var saveButton = form.querySelector("[data-roster-save]");
  var dirty = false;
  // One page: the names are all here and filter as you type. Several: the button searches the
  // whole roster on the server (the page's own names still filter as you type).
  var paged = form.hasAttribute("data-roster-paged");
  searchButton.hidden = !paged;
  input.addEventListener("input", filter);
  form.querySelector("[data-roster-all]").addEventListener("click", function (event) {
    event.preventDefault();
    tickShown(true);
  });
  form.querySelector("[data-roster-none]").addEventListener("click", function (event) {
    event.preventDefault();
    tickShown(false);
  });
  form.addEventListener("change", function (event) {
    if (event.target !== input) {
      dirty = true;
    }
    update();
  });
  // Turning the page with ticks not saved: save them, then go to that page.
  Array.prototype.forEach.call(
    document.querySelectorAll(".usa-pagination a"),
    function (link) {
      link.addEventListener("click", function (event) {
        if (!dirty) {
          return;
        }
        event.preventDefault();
        var page = new URL(link.href, window.location.href).searchParams.get("page");
        form.querySelector("[data-roster-goto]").value = page || "1";
        if (form.requestSubmit) {
          form.requestSubmit(saveButton);
        } else {
          saveButton.click();
        }
      });
    }
  );
  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target.name && target.name.indexOf("hours-") === 0 && target.value) {
      var row = target.closest("[data-roster-row]");
      if (row && !box(row).checked) {
        box(row).checked = true;
        dirty = true;
        update();
      }
    }
  });
  // Enter in the name field searches the whole roster; in another field it does nothing:
  // only the Save buttons save.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT") {
      event.preventDefault();
      if (event.target === input) {
        if (paged) {
          searchButton.click();
        } else {
          filter();
        }
      }
    }
  });
  // One tap on Save saves once: a second tap while the first is on its way does nothing.
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
  filter();
  update();
})();
