/* Peerline's page behaviour shared by every page (no inline JavaScript: CSP). */
(function () {
  "use strict";

  /* A table wider than the page scrolls inside its own frame, never the whole page sideways: a
     focusable region named after its caption, with a visible hint (issue: pages fit a phone). */
  function frameWideTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      var parent = table.parentElement;
      if (parent.classList.contains("usa-table-container--scrollable")) {
        parent.classList.toggle("is-overflowing", parent.scrollWidth > parent.clientWidth + 1);
        return;
      }
      var style = getComputedStyle(parent);
      var room = parent.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (table.offsetWidth <= room + 1) return;
      var frame = document.createElement("div");
      frame.className = "usa-table-container--scrollable peerline-table-frame is-overflowing";
      frame.tabIndex = 0;
      frame.setAttribute("role", "region");
      var caption = table.querySelector("caption");
      frame.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      parent.insertBefore(frame, table);
      frame.appendChild(table);
    });
  }

  /* The focused control never hides behind a Save bar stuck to the bottom of the screen
     (WCAG 2.2 SC 2.4.11): scroll it clear. A visually hidden radio or checkbox shows as its
     label, so the label is what must be clear. */
  function keepFocusClear(event) {
    if (!keyboard) return;  // a tap or click already shows what it touched; never move it away
    var target = event.target;
    var box = target.getBoundingClientRect();
    if ((box.width <= 1 || box.right < 0) && target.labels && target.labels.length) {
      box = target.labels[0].getBoundingClientRect();
    }
    document.querySelectorAll(".position-sticky.bottom-0, .peerline-roster__save").forEach(function (bar) {
      if (bar.contains(target)) return;
      var top = bar.getBoundingClientRect().top;
      if (box.bottom > top) window.scrollBy(0, box.bottom - top + 16);
    });
  }

  var keyboard = false;
  document.addEventListener("keydown", function () { keyboard = true; }, true);
  document.addEventListener("pointerdown", function () { keyboard = false; }, true);
  document.addEventListener("focusin", keepFocusClear);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", frameWideTables);
  } else {
    frameWideTables();
  }
  document.addEventListener("htmx:afterSettle", frameWideTables);
})();
