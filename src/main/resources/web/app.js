// Entry point of the single-page UI: picks the view from the URL fragment.
//   #/                                    dashboard
//   #/recordings[/STREAM[/DAY[/START]]]   recordings browser (names URI-encoded)

import { showDashboard, stopDashboard } from './dashboard.js';
import { closeBrowser, showBrowser } from './browser.js';

function route() {
  stopDashboard();
  closeBrowser();
  const hash = location.hash.replace(/^#\/?/, '');
  const parts = hash.split('/').filter((p) => p).map(decodeURIComponent);
  if (parts[0] === 'recordings') showBrowser(parts.slice(1));
  else showDashboard();
}

window.addEventListener('hashchange', route);
route();
