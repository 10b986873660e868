/* The site's small enhancements; every page works without them.
 * - Menus (<details data-nav-menu>): Escape closes the innermost open one and returns focus
 *   to its button; a click or focus outside closes them. On a wide screen in a browser without
 *   ::details-content, the main menu starts open (the row).
 * - 焦点图 ([data-focus]): 上一张/下一张, a position counter, automatic advance every few
 *   seconds that pauses on hover and focus and with the 暂停 button, and never starts for
 *   visitors who ask for reduced motion.
 */
(function () {
  "use strict";

  var menus = Array.prototype.slice.call(document.querySelectorAll("details[data-nav-menu]"));

  function closeMenusOutside(target) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(target) && isCollapsible(menu)) {
        menu.open = false;
      }
    });
  }

  /* The outer menu is only a button on a phone; on a wide screen its summary is hidden. */
  function isCollapsible(menu) {
    if (menu === mainMenu && rowWithoutDetailsContent) {
      return false;
    }
    var summary = menu.querySelector("summary");
    return summary && summary.offsetParent !== null;
  }

  /* Browsers without ::details-content cannot show the closed menu as a row: open it there. */
  var mainMenu = document.querySelector(".site-nav__menu");
  var rowWithoutDetailsContent =
    mainMenu &&
    window.CSS &&
    !CSS.supports("selector(::details-content)") &&
    window.matchMedia("(min-width: 900px)").matches;
  if (rowWithoutDetailsContent) {
    mainMenu.open = true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = menus.filter(function (menu) {
      return menu.open && isCollapsible(menu) && menu.contains(document.activeElement);
    });
    var innermost = open[open.length - 1];
    if (innermost) {
      innermost.open = false;
      innermost.querySelector("summary").focus();
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    closeMenusOutside(event.target);
  });
  document.addEventListener("focusin", function (event) {
    closeMenusOutside(event.target);
  });

  function setUpFocus(root) {
    var track = root.querySelector(".focus__track");
    var slides = track.querySelectorAll(".focus__slide");
    var controls = root.querySelector("[data-focus-controls]");
    if (!controls || slides.length < 2) {
      return;
    }
    var status = root.querySelector("[data-focus-status]");
    var pauseButton = root.querySelector("[data-focus-pause]");
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
    var delay = 6000;
    var timer = null;
    var hovered = false;
    var focused = false;
    var stoppedByVisitor = reduceMotion.matches;

    var index = 0;
    var settleTimer = null;

    function current() {
      return index;
    }

    function setIndex(value) {
      index = value;
      status.textContent = index + 1 + " / " + slides.length;
    }

    function show(wanted, instantly) {
      var count = slides.length;
      setIndex(((wanted % count) + count) % count);
      // The slide's own offset: the track's width may be fractional, so index × width drifts.
      var left = slides[index].getBoundingClientRect().left - track.getBoundingClientRect().left + track.scrollLeft;
      track.scrollTo({ left: left, behavior: instantly || reduceMotion.matches ? "auto" : "smooth" });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = null;
      var running = !(stoppedByVisitor || hovered || focused || document.hidden);
      if (running) {
        timer = window.setTimeout(function () {
          show(current() + 1);
          schedule();
        }, delay);
      }
      root.setAttribute("data-focus-state", running ? "playing" : "paused");
      // Announce changes only while the visitor moves the strip, not on every automatic turn.
      status.setAttribute("aria-live", running ? "off" : "polite");
    }

    function updatePauseButton() {
      pauseButton.setAttribute("aria-pressed", stoppedByVisitor ? "true" : "false");
      // The labels in the page's language (data-label-play / data-label-pause, from the template).
      pauseButton.textContent = pauseButton.getAttribute(stoppedByVisitor ? "data-label-play" : "data-label-pause");
    }

    controls.hidden = false;
    root.querySelector("[data-focus-prev]").addEventListener("click", function () {
      show(current() - 1);
    });
    root.querySelector("[data-focus-next]").addEventListener("click", function () {
      show(current() + 1);
    });
    pauseButton.addEventListener("click", function () {
      stoppedByVisitor = !stoppedByVisitor;
      updatePauseButton();
      schedule();
    });
    // A swipe or the arrow keys move the strip too: follow it once it comes to rest.
    track.addEventListener(
      "scroll",
      function () {
        window.clearTimeout(settleTimer);
        settleTimer = window.setTimeout(function () {
          setIndex(Math.round(track.scrollLeft / track.clientWidth));
        }, 150);
      },
      { passive: true }
    );
    root.addEventListener("mouseenter", function () {
      hovered = true;
      schedule();
    });
    root.addEventListener("mouseleave", function () {
      hovered = false;
      schedule();
    });
    root.addEventListener("focusin", function (event) {
      focused = true;
      // A slide that takes the focus (Tab) is shown whole, so its focus ring can be seen.
      var slide = event.target.closest(".focus__slide");
      if (slide) {
        show(Array.prototype.indexOf.call(slides, slide), true);
      }
      schedule();
    });
    root.addEventListener("focusout", function (event) {
      focused = root.contains(event.relatedTarget);
      schedule();
    });
    document.addEventListener("visibilitychange", schedule);
    reduceMotion.addEventListener("change", function () {
      stoppedByVisitor = stoppedByVisitor || reduceMotion.matches;
      updatePauseButton();
      schedule();
    });
    updatePauseButton();
    schedule();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-focus]"), setUpFocus);
})();
