// A selected range of one stream, offered as one file through MediaMTX's playback API on this
// server: /get?path=&start=&duration=[&format=mp4]. "Download MP4" is a plain MP4 (moov first);
// the copied link is fragmented MP4, which plays in a <video> while it streams.

import { el, local, localClock, localDay, replace, seconds } from './dom.js';

/** The /get URL of {stream, from, to} (ms since the epoch). */
export function getUrl({ stream, from, to }, format) {
  const query = new URLSearchParams({ path: stream, start: new Date(from).toISOString(), duration: ((to - from) / 1000).toFixed(3) });
  if (format) query.set('format', format);
  return `/get?${query}`;
}

/** Copies text to the clipboard where the browser allows it; otherwise shows it to be copied by hand. */
export function copyText(text, output) {
  const done = (message) => { output.textContent = message; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => done('Link copied.'), () => done(`Copy this link: ${text}`));
  } else {
    done(`Copy this link: ${text}`);
  }
}

/** Fills the export bar for a selection; actions: {play(stream, ms), clear()}. */
export function showExport(bar, selection, actions) {
  const { stream, from, to } = selection;
  const status = el('span', { class: 'muted', id: 'tl-export-status' });
  const link = `${location.origin}${getUrl(selection)}`;
  const name = `${stream.replace(/[^A-Za-z0-9._-]+/g, '_')}_${localDay(new Date(from))}_${localClock(new Date(from)).replace(/:/g, '')}.mp4`;
  replace(bar,
    el('span', {}, el('strong', {}, stream), ` ${local(new Date(from))} – ${localClock(new Date(to))} (${seconds((to - from) / 1000)})`),
    el('a', { class: 'button', id: 'tl-download', href: getUrl(selection, 'mp4'), download: name }, 'Download MP4'),
    el('button', { type: 'button', id: 'tl-copy', onclick: () => copyText(link, status) }, 'Copy link'),
    el('button', { type: 'button', onclick: () => actions.play(stream, from) }, 'Play selection'),
    el('button', { type: 'button', onclick: () => actions.clear() }, 'Clear'),
    el('input', { type: 'text', readonly: true, value: link, class: 'tl-link', 'aria-label': 'Link to the selected range', onfocus: (e) => e.target.select() }),
    status);
  bar.hidden = false;
}
