// “从图片库插入”: a button under each rich-text editor of the admin that opens the 图片库 chooser
// (/admin/image-library/choose/) in a small window; the chosen image is inserted as <img src alt>.
(function () {
  "use strict";
  var CHOOSER = "/admin/image-library/choose/";

  window.hndaInsertLibraryImage = function (target, src, alt) {
    var editor = window.editors && window.editors[target];
    if (!editor) return;
    editor.model.change(function () {
      editor.execute("insertImage", { source: [{ src: src, alt: alt || "" }] });
    });
    editor.editing.view.focus();
  };

  function addButton(textarea) {
    if (textarea.id.indexOf("__prefix__") !== -1 || textarea.getAttribute("data-library-button")) return;
    textarea.setAttribute("data-library-button", "1");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button library-button";
    button.textContent = "从图片库插入";
    button.addEventListener("click", function () {
      var url = CHOOSER + "?target=" + encodeURIComponent(textarea.id);
      window.open(url, "hnda-library", "width=900,height=700,noopener=no");
    });
    var container = textarea.closest(".ck-editor-container") || textarea.parentNode;
    container.parentNode.insertBefore(button, container.nextSibling);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea.django_ckeditor_5").forEach(addButton);
  });
})();
