/* Find a peer (2011 §3.6): after a button to another page of peer supporters, the new page
   replaces the old one (htmx) and the button that was pressed is gone; focus moves to the
   results' heading so a keyboard or screen-reader user goes on from the first new card, and
   the count (a live region) says which cards are shown. No inline JavaScript: CSP. */
(function () {
  "use strict";

  var paged = false;

  document.addEventListener("click", function (event) {
    paged = !!(event.target.closest && event.target.closest(".peerline-directory__page"));
  }, true);

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!paged || !event.detail.target || event.detail.target.id !== "directory-cards") return;
    paged = false;
    var heading = document.getElementById("results-heading");
    if (heading) {
      heading.focus();
      heading.scrollIntoView({ block: "start" });
    }
  });
})();
