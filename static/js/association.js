/*
 * Each article of a document has a "¶" link to itself (#tiao-N). Following it works without
 * this script; with it, the full address is also copied, so a reader can paste it at once.
 */
(function () {
  "use strict";
  var timer = null;

  function announce(text) {
    var status = document.querySelector(".copy-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = text;
    status.hidden = false;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { status.hidden = true; }, 2500);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".clause-link");
    if (!link || !navigator.clipboard || !window.isSecureContext) { return; }
    var address = window.location.origin + window.location.pathname + window.location.search + link.getAttribute("href");
    navigator.clipboard.writeText(address).then(
      function () { announce("已复制本条链接：" + address); },
      function () { /* no permission: the address bar shows the link anyway */ }
    );
  });
})();
