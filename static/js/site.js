/* On a phone the main navigation scrolls sideways: keep the current section in view. */
(function () {
  "use strict";
  var current = document.querySelector(".site-nav [aria-current='page']");
  if (current && current.scrollIntoView) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
  }
})();
