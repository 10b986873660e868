/*
 * 适老化 toolbar and 打印本页. Without this script the toolbar's links go through the server
 * (/preferences/), which sets the same cookies; with it the change is instant and stays on
 * the page. Cookie names and values are the server's (hnda_site/preferences.py).
 */
(function () {
  "use strict";
  var root = document.documentElement;
  var YEAR = 60 * 60 * 24 * 365;
  var SIZES = ["small", "medium", "large"];

  function setCookie(name, value) {
    var tail = "; Path=/; SameSite=Lax" + (window.location.protocol === "https:" ? "; Secure" : "");
    document.cookie = value ? name + "=" + value + "; Max-Age=" + YEAR + tail : name + "=; Max-Age=0" + tail;
  }

  function currentSize() {
    for (var i = 0; i < SIZES.length; i++) {
      if (root.classList.contains("a11y-text-" + SIZES[i])) { return SIZES[i]; }
    }
    return "medium";
  }

  function mark(selector, chosen) {
    document.querySelectorAll(selector).forEach(function (link) {
      if (chosen(link)) { link.setAttribute("aria-current", "true"); } else { link.removeAttribute("aria-current"); }
    });
  }

  function apply(size, highContrast) {
    SIZES.forEach(function (name) { root.classList.toggle("a11y-text-" + name, name === size && name !== "medium"); });
    root.classList.toggle("a11y-contrast-high", highContrast);
    setCookie("fontsize", size === "medium" ? "" : size);
    setCookie("contrast", highContrast ? "high" : "");
    mark("[data-a11y-fontsize]", function (link) { return link.getAttribute("data-a11y-fontsize") === size; });
    mark("[data-a11y-contrast]", function () { return highContrast; });
    mark("[data-a11y-reset]", function () { return size === "medium" && !highContrast; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-a11y-fontsize], [data-a11y-contrast], [data-a11y-reset]");
    if (!link) { return; }
    event.preventDefault();
    var highContrast = root.classList.contains("a11y-contrast-high");
    if (link.hasAttribute("data-a11y-fontsize")) {
      apply(link.getAttribute("data-a11y-fontsize"), highContrast);
    } else if (link.hasAttribute("data-a11y-contrast")) {
      apply(currentSize(), true);
    } else {
      apply("medium", false);
    }
  });

  /* 打印本页: a real button only where the script can print. */
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  /* The print-only footer says when the page was printed (Beijing time, 2020年12月18日;
     on an English page 18 December 2020). */
  function fillPrintDate() {
    var parts = {};
    if (document.documentElement.lang === "en") {
      var english = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", day: "numeric", month: "long", year: "numeric" })
        .format(new Date());
      document.querySelectorAll("[data-print-date]").forEach(function (slot) { slot.textContent = english; });
      return;
    }
    new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric" })
      .formatToParts(new Date())
      .forEach(function (part) { parts[part.type] = part.value; });
    document.querySelectorAll("[data-print-date]").forEach(function (slot) {
      // 2020年6月20日, as the site writes dates: no leading zeros.
      slot.textContent = parts.year + "年" + parseInt(parts.month, 10) + "月" + parseInt(parts.day, 10) + "日";
    });
  }
  fillPrintDate();
  window.addEventListener("beforeprint", fillPrintDate);
})();
