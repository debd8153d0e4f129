// Anjing web app: progressive enhancement only. Every page works without this file.
// - drag and drop onto the file area of upload forms;
// - upload progress (XHR) on forms marked data-upload, then the server's result page replaces this one;
// - select-all on read-only link fields.
(function () {
  "use strict";
  document.querySelectorAll("[data-drop]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) return;
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) input.files = e.dataTransfer.files;
    });
  });
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      e.preventDefault();
      var bar = form.querySelector("[data-progress]");
      var text = form.querySelector("[data-progress-text]");
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      if (bar) bar.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (ev) {
        if (!ev.lengthComputable) return;
        var pct = Math.round((ev.loaded / ev.total) * 100);
        if (bar) bar.value = pct;
        if (text) text.textContent = pct < 100 ? "正在上传：" + pct + "%" : "上传完成，正在导入和分析，请稍候……";
      });
      xhr.addEventListener("load", function () {
        // Show the server's page (results or a clear error) as a normal navigation would.
        document.open();
        document.write(xhr.responseText);
        document.close();
        if (xhr.responseURL) history.replaceState(null, "", xhr.responseURL);
      });
      xhr.addEventListener("error", function () {
        if (button) button.disabled = false;
        if (text) text.textContent = "上传失败：连接中断了。请检查网络后再试一次。";
      });
      xhr.send(new FormData(form));
    });
  });
  document.querySelectorAll("[data-select]").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
  });
})();
