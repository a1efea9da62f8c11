/* global document */
// Progressive enhancement only: every page works without this file.
'use strict';

// After a refused form, move focus to the error summary so keyboard and screen-reader users start
// from the problem (the summary also has role="alert").
(function focusErrorSummary() {
  const summary = document.querySelector('[data-focus-on-load]');
  if (summary) summary.focus();
})();
