/*
 * Staff must never lose what they typed in an admin form.
 * - Leaving a form with unsaved changes asks for confirmation.
 * - While typing, a copy of the form is kept in this browser (localStorage).
 *   If the save does not go through (session expired, network down, browser
 *   closed), reopening the form offers to restore that copy.
 * - Once the admin reports a successful save, submitted copies are removed.
 */
(function () {
  "use strict";
  var PREFIX = "hnda:unsaved:";
  var SKIP = { csrfmiddlewaretoken: true };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function clearSubmittedCopies(store) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        try {
          if (JSON.parse(store.getItem(key)).submitted) { store.removeItem(key); }
        } catch (e) { store.removeItem(key); }
      }
    }
  }

  function editorFor(field) {
    return window.editors && field.id ? window.editors[field.id] : null;
  }

  function collect(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || SKIP[field.name] || field.type === "file" || field.type === "submit") { return; }
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
      if (!field.name || !(field.name in values) && field.type !== "checkbox") { return; }
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

  function watch(form, store) {
    var key = PREFIX + window.location.pathname;
    var initial = JSON.stringify(collect(form));
    var last = initial;
    var submitting = false;
    var previous = store.getItem(key);
    if (previous) {
      try {
        var copy = JSON.parse(previous);
        if (JSON.stringify(copy.values) !== initial) { offerRestore(form, key, copy, store); }
        else { store.removeItem(key); }
      } catch (e) { store.removeItem(key); }
    }
    function snapshot(submitted) {
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
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && JSON.stringify(collect(form)) !== initial) {
        snapshot(false);
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  var store = storage();
  if (!store) { return; }
  // This script is deferred: the document is parsed, so the messages are there.
  if (document.querySelector(".messagelist .success")) { clearSubmittedCopies(store); }
  window.addEventListener("load", function () {
    var form = document.querySelector("#content-main form[id$='_form']");
    if (!form) { return; }
    // CKEditor builds its editors asynchronously: start once they all exist.
    var textareas = form.querySelectorAll("textarea.django_ckeditor_5");
    var tries = 0;
    (function whenEditorsReady() {
      var ready = Array.prototype.every.call(textareas, function (area) { return editorFor(area); });
      if (ready || ++tries > 100) { watch(form, store); } else { window.setTimeout(whenEditorsReady, 100); }
    })();
  });
})();
