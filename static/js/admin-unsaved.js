/*
 * Staff must never lose what they typed in an admin form.
 * - Leaving a form with unsaved changes asks for confirmation.
 * - While typing, a copy of the form is kept in this browser (localStorage).
 *   If the save does not go through (session expired, network down, browser
 *   closed), reopening the form offers to restore that copy.
 * - Copies belong to the staff account that typed them (the admin's template
 *   gives the account's id in this script's data-user): another account on the
 *   same browser is never offered them.
 * - Password and secret fields (passwords, tokens, one-time codes) are never copied.
 * - Logging out removes every copy of the account; a successful save removes
 *   the copy of the form that was submitted.
 */
(function () {
  "use strict";
  var PREFIX = "hnda:draft:";
  // Copies from before they were kept per account (and could hold passwords): removed.
  var OLD_PREFIX = "hnda:unsaved:";
  // The form this tab submitted last, until the admin says it was saved.
  var PENDING = "hnda:draft-pending";
  var SECRET_NAME = /password|secret|token|otp/i;
  var SECRET_AUTOCOMPLETE = /password|one-time-code/i;

  var script = document.currentScript;
  var user = script ? script.getAttribute("data-user") : "";
  // Set while logging out: no copy is taken any more (unless the staff member stays and types on).
  var loggingOut = false;

  function storage(name) {
    try { return window[name]; } catch (e) { return null; }
  }

  function userPrefix() {
    return PREFIX + user + ":";
  }

  function removeKeys(store, startsWith) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(startsWith) === 0) { store.removeItem(key); }
    }
  }

  function isSecret(field) {
    return field.type === "password" ||
      SECRET_NAME.test(field.name) ||
      SECRET_AUTOCOMPLETE.test(field.getAttribute("autocomplete") || "");
  }

  function editorFor(field) {
    return window.editors && field.id ? window.editors[field.id] : null;
  }

  function collect(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || isSecret(field) || field.type === "file" || field.type === "submit") { return; }
      var editor = editorFor(field);
      if (editor) { values[field.name] = editor.getData(); }
      else if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) { values[field.name] = field.value; }
      } else { values[field.name] = field.value; }
    });
    return values;
  }

  function restore(form, values) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || isSecret(field) || !(field.name in values) && field.type !== "checkbox") { return; }
      var editor = editorFor(field);
      if (editor) { editor.setData(values[field.name]); }
      else if (field.type === "checkbox" || field.type === "radio") { field.checked = values[field.name] === field.value; }
      else if (field.type !== "file") { field.value = values[field.name]; }
    });
  }

  function offerRestore(form, key, copy, store) {
    var banner = document.createElement("div");
    banner.className = "hnda-unsaved-banner";
    banner.setAttribute("role", "alert");
    banner.style.cssText = "margin:0 0 1em;padding:.8em 1em;border:2px solid #f0b400;background:#fff4e5;color:#1f2328;font-size:1rem";
    var when = new Date(copy.savedAt).toLocaleString("zh-CN");
    banner.appendChild(document.createTextNode("此页面有一份 " + when + " 未保存成功的内容（保存在本浏览器中）。 "));
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "button";
    restoreButton.textContent = "恢复未保存的内容";
    var discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "button";
    discardButton.textContent = "丢弃";
    discardButton.style.marginLeft = ".5em";
    banner.appendChild(restoreButton);
    banner.appendChild(discardButton);
    form.parentNode.insertBefore(banner, form);
    restoreButton.addEventListener("click", function () {
      restore(form, copy.values);
      banner.remove();
    });
    discardButton.addEventListener("click", function () {
      store.removeItem(key);
      banner.remove();
    });
  }

  function watch(form, store, tab) {
    var key = userPrefix() + window.location.pathname;
    form.setAttribute("data-unsaved-guard", "on");  // watched from here on (browser tests wait for it)
    var initial = JSON.stringify(collect(form));
    var last = initial;
    var submitting = false;
    var previous = store.getItem(key);
    // A form shown again with an error (a stale-form refusal, a missing field) already holds what was
    // submitted: offering to restore that same copy would be a second, confusing choice.
    var reshown = document.querySelector(".errornote") !== null;
    if (previous) {
      try {
        var copy = JSON.parse(previous);
        if (reshown && copy.submitted) { store.removeItem(key); }
        else if (JSON.stringify(copy.values) !== initial) { offerRestore(form, key, copy, store); }
        else { store.removeItem(key); }
      } catch (e) { store.removeItem(key); }
    }
    function snapshot(submitted) {
      if (loggingOut) { return; }
      var current = JSON.stringify(collect(form));
      if (current === initial && !submitted) { return; }
      last = current;
      store.setItem(key, JSON.stringify({ savedAt: Date.now(), submitted: !!submitted, values: JSON.parse(current) }));
    }
    window.setInterval(function () {
      if (!submitting && JSON.stringify(collect(form)) !== last) { snapshot(false); }
    }, 3000);
    form.addEventListener("submit", function () {
      submitting = true;
      snapshot(true);
      if (tab) { tab.setItem(PENDING, key); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && JSON.stringify(collect(form)) !== initial) {
        snapshot(false);
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  var store = storage("localStorage");
  if (!store) { return; }
  var tab = storage("sessionStorage");
  removeKeys(store, OLD_PREFIX);
  if (!user) { return; }  // not logged in (login page, logged-out page): nothing to keep

  // This script is deferred: the document is parsed, so the messages and the logout form are there.
  if (tab && document.querySelector(".messagelist .success")) {
    var saved = tab.getItem(PENDING);
    if (saved && saved.indexOf(userPrefix()) === 0) { store.removeItem(saved); }
    tab.removeItem(PENDING);
  }
  var logout = document.getElementById("logout-form");
  if (logout) {
    logout.addEventListener("submit", function () {
      loggingOut = true;
      removeKeys(store, userPrefix());
      if (tab) { tab.removeItem(PENDING); }
    });
    // Logging out was cancelled ("leave this page?"): copies are taken again.
    document.addEventListener("input", function () { loggingOut = false; }, true);
  }

  window.addEventListener("load", function () {
    var form = document.querySelector("#content-main form[id$='_form']");
    if (!form) { return; }
    // CKEditor builds its editors asynchronously: start once they all exist.
    var textareas = form.querySelectorAll("textarea.django_ckeditor_5");
    var tries = 0;
    (function whenEditorsReady() {
      var ready = Array.prototype.every.call(textareas, function (area) { return editorFor(area); });
      if (ready || ++tries > 100) { watch(form, store, tab); } else { window.setTimeout(whenEditorsReady, 100); }
    })();
  });
})();
