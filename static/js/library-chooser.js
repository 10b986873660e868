// 图片库 chooser window: an 插入 button hands its image to the editor that opened the window.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector(".library-chooser");
    if (!root) return;
    var target = root.getAttribute("data-target");
    var status = root.querySelector(".library-chooser__status");
    root.addEventListener("click", function (event) {
      var button = event.target.closest(".library-chooser__insert");
      if (!button) return;
      var opener = window.opener;
      if (!opener || typeof opener.hndaInsertLibraryImage !== "function") {
        status.textContent = "无法插入：请从文章编辑页的“从图片库插入”按钮打开本窗口。";
        return;
      }
      opener.hndaInsertLibraryImage(target, button.getAttribute("data-src"), button.getAttribute("data-alt"));
      window.close();
    });
  });
})();
