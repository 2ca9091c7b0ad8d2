// The error summary at the top of a form (templates/cityrelations/_error_summary.html): the focus
// moves to it when the page loads, so a screen reader reads the problems first; each link moves
// the focus into its field (a plain anchor would only scroll there).
(function () {
  "use strict";
  function focusSummary(scope) {
    const summary = scope.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-error-link]");
    if (!link) {
      return;
    }
    const field = document.getElementById(link.dataset.errorLink);
    if (field) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  });
  focusSummary(document);
  // A form swapped in by htmx (the interaction dialog) after a refused save.
  document.body.addEventListener("htmx:afterSwap", (event) => focusSummary(event.target));
})();
