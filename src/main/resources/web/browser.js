// The recordings browser: streams → days → sessions → one session with its player and segments.

import { badge, banner, bytes, clock, el, getJson, replace, seconds, show, table, utc } from './dom.js';
import { SessionPlayer } from './player.js';
import { rangeForm } from './range.js';

let player = null;

export function streamHash(stream) {
  return `#/recordings/${encodeURIComponent(stream)}`;
}

function crumbs(parts) {
  const items = [el('a', { href: '#/recordings' }, 'Streams')];
  for (const [text, href] of parts) {
    items.push(el('span', { class: 'sep' }, '›'));
    items.push(href ? el('a', { href }, text) : el('span', {}, text));
  }
  replace(document.getElementById('crumbs'), items);
}

async function showStreams(body) {
  crumbs([]);
  const { streams } = await getJson('/api/streams');
  const rows = streams.map((s) => el('tr', { 'data-stream': s.stream },
    el('td', {}, el('a', { href: streamHash(s.stream), class: 'stream-link' }, s.stream), ' ', s.recording ? badge('recording', 'live') : null),
    el('td', { class: 'num' }, s.sessions),
    el('td', { class: 'num' }, s.segments),
    el('td', { class: 'num' }, bytes(s.bytes)),
    el('td', {}, utc(s.lastStart))));
  replace(body, el('h2', {}, 'Streams'),
    rows.length ? table(['Stream', '#Sessions', '#Segments', '#Size', 'Last session'], rows, 'streams-table')
      : el('p', { class: 'empty' }, 'No recordings yet.'));
}

async function showDays(body, stream) {
  crumbs([[stream, null]]);
  const { streams } = await getJson('/api/streams');
  const summary = streams.find((s) => s.stream === stream);
  if (!summary) {
    replace(body, el('p', { class: 'empty' }, 'No recordings of this stream.'));
    return;
  }
  replace(body, el('h2', {}, stream),
    el('ul', { class: 'days' }, summary.days.map((day) =>
      el('li', {}, el('a', { href: `${streamHash(stream)}/${day}`, class: 'day-link' }, day)))));
}

function dayRange(day) {
  const from = new Date(`${day}T00:00:00Z`);
  const to = new Date(from.getTime() + 86400000);
  return [from.toISOString(), to.toISOString()];
}

function uploadSummary(session) {
  const counts = {};
  for (const s of session.segments) counts[s.upload] = (counts[s.upload] || 0) + 1;
  return Object.entries(counts).map(([state, n]) => badge(`${n} ${state.toLowerCase().replace('_', '-')}`, state.toLowerCase()));
}

async function showSessions(body, stream, day) {
  crumbs([[stream, streamHash(stream)], [day, null]]);
  const [from, to] = dayRange(day);
  const page = await getJson(`/api/recordings?stream=${encodeURIComponent(stream)}&from=${from}&to=${to}&pageSize=500`);
  const rows = page.sessions.filter((s) => s.start.startsWith(day)).map((s) => el('tr', {},
    el('td', {}, el('a', { href: `${streamHash(stream)}/${day}/${encodeURIComponent(s.start)}`, class: 'session-link' }, utc(s.start)),
      ' ', s.recording ? badge('recording', 'live') : null),
    el('td', { class: 'num' }, seconds(s.durationSeconds)),
    el('td', { class: 'num' }, s.segments.length),
    el('td', { class: 'num' }, bytes(s.sizeBytes)),
    el('td', {}, s.format),
    el('td', {}, uploadSummary(s))));
  replace(body, el('h2', {}, `${stream} · ${day}`),
    rows.length ? table(['Session start', '#Duration', '#Segments', '#Size', 'Format', 'Upload'], rows, 'sessions-table')
      : el('p', { class: 'empty' }, 'No sessions on this day.'));
}

async function showSession(body, stream, day, start) {
  crumbs([[stream, streamHash(stream)], [day, `${streamHash(stream)}/${day}`], [clock(start), null]]);
  const to = new Date(Date.parse(start) + 1000).toISOString();
  const page = await getJson(`/api/recordings?stream=${encodeURIComponent(stream)}&from=${start}&to=${to}&pageSize=10`);
  const session = page.sessions.find((s) => Date.parse(s.start) === Date.parse(start));
  if (!session) {
    replace(body, el('p', { class: 'empty' }, 'This session does not exist (any more).'));
    return;
  }
  const video = el('video', { id: 'player', controls: true, muted: true, playsinline: true, preload: 'auto' });
  const state = el('p', { class: 'muted', id: 'player-state' });
  const timeline = el('div', { class: 'timeline', id: 'timeline', title: 'Click to play from here' });
  const now = el('span', { id: 'wallclock' }, utc(session.start));
  const header = el('div', { class: 'session-head' },
    el('h2', {}, `${stream} · ${utc(session.start)}`),
    el('p', { class: 'muted' }, `${session.segments.length} segments · ${seconds(session.durationSeconds)} · ${bytes(session.sizeBytes)} · ${session.format}`,
      session.recording ? ' · still recording' : ''));
  const rows = session.segments.map((s) => el('tr', { 'data-index': s.index },
    el('td', { class: 'num' }, s.index),
    el('td', {}, clock(s.start)),
    el('td', { class: 'num' }, seconds(s.durationSeconds)),
    el('td', { class: 'num', title: `${s.sizeBytes} bytes` }, bytes(s.sizeBytes)),
    el('td', {}, badge(s.upload.toLowerCase().replace('_', '-'), s.upload.toLowerCase())),
    el('td', {}, s.source),
    el('td', { class: 'actions' },
      session.playable ? el('button', { type: 'button', class: 'link play-from', 'data-index': s.index }, 'Play from here') : null,
      s.source === 'none' ? el('span', { class: 'muted' }, 'gone')
        : el('a', { href: s.url, download: s.file, class: 'download' }, 'Download'))));
  const segmentsTable = table(['#', 'Start (UTC)', '#Duration', '#Size', 'Upload', 'Source', 'Actions'], rows, 'segments-table');

  if (!session.playable) {
    replace(body, header,
      el('p', { class: 'notice' }, `This session is in ${session.format.toUpperCase()} format, which browsers cannot play in the page. Download its segments below and play them with a media player such as VLC or mpv.`),
      segmentsTable);
    return;
  }
  const range = rangeForm(stream, session, () => (player ? player.wallclock(video.currentTime) : null));
  replace(body, header, el('div', { class: 'player' }, video, timeline, el('div', { class: 'player-info' }, now, state)), range, segmentsTable);

  player = new SessionPlayer(video, session.segments, (text) => { state.textContent = text; });
  video.sessionPlayer = player; // for debugging and browser tests
  drawTimeline(timeline, player, session);
  timeline.addEventListener('click', (event) => {
    const box = timeline.getBoundingClientRect();
    player.seek(((event.clientX - box.left) / box.width) * player.duration).then(() => video.play().catch(() => {}));
  });
  segmentsTable.addEventListener('click', (event) => {
    const button = event.target.closest('button.play-from');
    if (!button) return;
    player.seek(player.offsets[Number(button.dataset.index)] + 0.01).then(() => video.play().catch(() => {}));
  });
  video.addEventListener('timeupdate', () => {
    const t = video.currentTime;
    const segment = session.segments[player.segmentAt(t)];
    const wall = player.wallclock(t);
    now.textContent = `${utc(wall.toISOString())} · segment ${segment.index}`;
    timeline.style.setProperty('--played', `${(100 * t) / player.duration}%`);
    for (const row of rows) row.classList.toggle('current', Number(row.dataset.index) === segment.index);
  });
  try {
    await player.open();
  } catch (error) {
    state.textContent = `${error.message} Download the segments below instead.`;
  }
}

export function closeBrowser() {
  if (player) {
    player.destroy();
    player = null;
  }
}

function drawTimeline(timeline, sessionPlayer, session) {
  const total = sessionPlayer.duration;
  const blocks = session.segments.map((s, i) => {
    const width = ((sessionPlayer.offsets[i + 1] - sessionPlayer.offsets[i]) / total) * 100;
    return el('span', { class: `block ${s.upload.toLowerCase()}`, style: null, 'data-width': width.toFixed(3), title: `segment ${s.index} · ${clock(s.start)} UTC` });
  });
  replace(timeline, el('span', { class: 'played' }), blocks);
  // widths through CSSOM: the CSP allows no inline style attributes
  blocks.forEach((block) => { block.style.width = `${block.dataset.width}%`; });
}

export async function showBrowser(parts) {
  show('browser');
  const body = document.getElementById('browser-body');
  replace(body, el('p', { class: 'muted' }, 'Loading…'));
  try {
    if (parts.length === 0) await showStreams(body);
    else if (parts.length === 1) await showDays(body, parts[0]);
    else if (parts.length === 2) await showSessions(body, parts[0], parts[1]);
    else await showSession(body, parts[0], parts[1], parts[2]);
    banner('');
  } catch (error) {
    replace(body, el('p', { class: 'error-text' }, `Cannot load: ${error.message}`));
  }
}

