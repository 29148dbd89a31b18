// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // A form with data-confirm asks before it is sent (the server still asks again where it matters).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // htmx: a swapped fragment may carry a new unread count for the header.
  document.addEventListener("htmx:afterSwap", function () {
    var fresh = document.querySelector("[data-unread-count]");
    var badge = document.querySelector("#unread .badge");
    if (fresh && badge) { badge.firstChild.nodeValue = fresh.getAttribute("data-unread-count"); }
  });
})();
