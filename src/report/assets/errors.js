/* newstone report: records script errors in the page (#nt-status), so that a headless
   browser test, or a reader, can see that the page rendered without any. */
window.__ntErrors = [];
window.__ntMark = function () {
  var m = document.getElementById("nt-status");
  if (!m) return;
  m.setAttribute("data-errors", String(window.__ntErrors.length));
  if (window.__ntErrors.length) {
    m.setAttribute("data-render", "errors");
    m.hidden = false;
    m.textContent = "Script errors: " + window.__ntErrors.join(" | ");
  }
};
window.addEventListener("error", function (e) {
  window.__ntErrors.push(String((e && e.message) || e));
  window.__ntMark();
});
window.addEventListener("unhandledrejection", function (e) {
  window.__ntErrors.push("unhandled rejection: " + String(e && e.reason));
  window.__ntMark();
});
(function () {
  var original = console.error;
  console.error = function () {
    window.__ntErrors.push(Array.prototype.map.call(arguments, String).join(" "));
    window.__ntMark();
    return original.apply(console, arguments);
  };
})();
