// boot.js - runs first: records every error of the page, so that a failure
// to render is shown to the reader (and seen by the browser test) instead of
// leaving a half-drawn page.
'use strict';

window.reportErrors = [];

function reportError(message) {
  window.reportErrors.push(String(message));
  document.documentElement.dataset.errors = String(window.reportErrors.length);
  const show = () => {
    let banner = document.getElementById('error-banner');
    if (!banner) {
      banner = document.createElement('div');
      banner.id = 'error-banner';
      banner.className = 'error-banner';
      document.body.prepend(banner);
    }
    banner.textContent = 'The report could not be drawn completely: ' +
      window.reportErrors.join('; ');
  };
  if (document.body) show();
  else document.addEventListener('DOMContentLoaded', show);
}

window.addEventListener('error', (event) => reportError(event.message));
window.addEventListener('unhandledrejection', (event) => reportError(event.reason));
