// Entry point of the single-page UI: picks the view from the URL fragment.
//   #/                                    dashboard
//   #/timeline[?day=&at=&play=&zoom=&stream=...]   timeline of every (or the named) streams
//   #/recordings[/STREAM[/DAY[/START]]]   recordings browser (names URI-encoded)

import { showDashboard, stopDashboard } from './dashboard.js';
import { closeBrowser, showBrowser } from './browser.js';
import { showTimeline, stopTimeline } from './timeline.js';

function route() {
  stopDashboard();
  closeBrowser();
  stopTimeline();
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter((p) => p).map(decodeURIComponent);
  if (parts[0] === 'recordings') showBrowser(parts.slice(1));
  else if (parts[0] === 'timeline') showTimeline(query);
  else showDashboard();
}

window.addEventListener('hashchange', route);
route();
