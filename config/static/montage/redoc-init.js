// Starts Redoc on the schema URL and settings the page carries (a file, not inline, so a strict CSP allows it).
(function () {
  var container = document.getElementById("redoc-container");
  var settings = JSON.parse(container.getAttribute("data-settings") || "{}");
  Redoc.init(container.getAttribute("data-schema-url"), settings, container);
})();
