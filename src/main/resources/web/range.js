// "Download this range" on a session page: a start (UTC) and a duration become links to the
// playback API's /get: a plain MP4 with the moov first (downloaded), or the fragmented MP4 stream
// (plays in a new tab while it loads). The range may run past the session into later ones.

import { el } from './dom.js';
import { getUrl } from './export.js';

// "2024-05-01 10:00:00" or an ISO time, read as UTC; null when it is not a time.
export function parseUtc(text) {
  const value = text.trim().replace(' ', 'T');
  const millis = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(millis) ? null : new Date(millis);
}

function shown(date) {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace('Z', '');
}

/**
 * @param stream the MediaMTX path name
 * @param session the session from /api/recordings (start, durationSeconds)
 * @param playhead returns the wall-clock Date at the player's position, or null
 */
export function rangeForm(stream, session, playhead) {
  const start = el('input', { type: 'text', id: 'range-start', size: 20, spellcheck: 'false', 'aria-label': 'Range start (UTC)' });
  const duration = el('input', { type: 'number', id: 'range-duration', min: 1, step: 1, 'aria-label': 'Range duration in seconds' });
  const mp4 = el('a', { id: 'range-mp4', class: 'download' }, 'Download MP4');
  const fmp4 = el('a', { id: 'range-fmp4', target: '_blank', rel: 'noopener' }, 'Open stream');
  const hint = el('span', { class: 'muted', id: 'range-hint' });
  const fromPlayhead = el('button', { type: 'button', class: 'link', id: 'range-playhead' }, 'from playhead');
  start.value = shown(new Date(session.start));
  duration.value = String(Math.min(3600, Math.max(1, Math.ceil(session.durationSeconds || 60))));

  function update() {
    const at = parseUtc(start.value);
    const seconds = Number(duration.value);
    const valid = at !== null && Number.isFinite(seconds) && seconds > 0;
    for (const [link, format] of [[mp4, 'mp4'], [fmp4, 'fmp4']]) {
      if (valid) {
        link.href = getUrl({ stream, from: at.getTime(), to: at.getTime() + seconds * 1000 }, format);
        link.removeAttribute('aria-disabled');
      } else {
        link.removeAttribute('href');
        link.setAttribute('aria-disabled', 'true');
      }
    }
    hint.textContent = valid ? '' : 'Enter a UTC start such as 2024-05-01 10:00:00 and a duration in seconds.';
  }

  start.addEventListener('input', update);
  duration.addEventListener('input', update);
  fromPlayhead.addEventListener('click', () => {
    const at = playhead();
    if (at) {
      start.value = shown(at);
      update();
    }
  });
  update();
  return el('form', { class: 'range', id: 'range-form', onsubmit: (event) => event.preventDefault() },
    el('strong', {}, 'Download a range'),
    el('label', {}, 'start (UTC) ', start), fromPlayhead,
    el('label', {}, 'duration (s) ', duration),
    mp4, fmp4, hint);
}
