// Move focus to the error summary when a page shows one, so screen readers announce it first.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
