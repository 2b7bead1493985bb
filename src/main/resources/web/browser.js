// The recordings browser: streams → days → sessions → one session with its player and segments.
// A session still being recorded is read again every few seconds, and its new segments are
// added to the table, the bar and the player.

import { badge, banner, bytes, el, getJson, local, localClock, replace, seconds, show, table, timeEl, utc } from './dom.js';
import { SegmentPlayer } from './player.js';
import { timelineHash } from './timeline.js';
import { rangeForm } from './range.js';

const LIVE_REFRESH_MS = 5000;
let player = null;
let liveTimer = null;

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
    el('td', {}, timeEl(s.lastStart)),
    el('td', {}, el('a', { href: timelineHash({ streams: [s.stream] }), class: 'timeline-link' }, 'Timeline'))));
  replace(body, el('h2', {}, 'Streams'),
    rows.length ? table(['Stream', '#Sessions', '#Segments', '#Size', 'Last session started', ''], rows, 'streams-table')
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
    el('p', {}, el('a', { href: timelineHash({ streams: [stream] }), class: 'timeline-link' }, 'Open the timeline'),
      el('span', { class: 'muted' }, ' · or pick a day (UTC) for its sessions:')),
    el('ul', { class: 'days' }, summary.days.map((day) =>
      el('li', {}, el('a', { href: `${streamHash(stream)}/${day}`, class: 'day-link' }, day)))));
}

// The sessions of a UTC day (named by their folder's time) have their segments in the day, or in
// the first minutes after it for one begun just before midnight (FFmpeg connects and probes first).
function dayRange(day) {
  const from = new Date(`${day}T00:00:00Z`);
  const to = new Date(from.getTime() + 86400000 + 300000);
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
    el('td', {}, el('a', { href: `${streamHash(stream)}/${day}/${encodeURIComponent(s.start)}`, class: 'session-link', title: utc(s.start) }, local(s.start)),
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

// A session's media begins a moment after its folder's time (FFmpeg connects and probes first), so
// it is looked for among the oldest few sessions with a segment in the five minutes after it (only
// the session before it can overlap it); when retention removed its first segments, in the day
// after it (a session ends at the next UTC midnight at the latest).
async function fetchSession(stream, start) {
  for (const span of [300000, 25 * 3600000]) {
    const to = new Date(Date.parse(start) + span).toISOString();
    const page = await getJson(`/api/recordings?stream=${encodeURIComponent(stream)}&from=${start}&to=${to}&order=oldest&pageSize=5`);
    const found = page.sessions.find((s) => Date.parse(s.start) === Date.parse(start));
    if (found) return found;
  }
  return undefined;
}

function segmentRow(s, playable) {
  return el('tr', { 'data-index': s.index },
    el('td', { class: 'num' }, s.index),
    el('td', {}, timeEl(s.start, localClock(new Date(s.start)))),
    el('td', { class: 'num' }, seconds(s.durationSeconds)),
    el('td', { class: 'num', title: `${s.sizeBytes} bytes` }, bytes(s.sizeBytes)),
    el('td', {}, badge(s.upload.toLowerCase().replace('_', '-'), s.upload.toLowerCase())),
    el('td', {}, s.source),
    el('td', { class: 'actions' },
      playable ? el('button', { type: 'button', class: 'link play-from', 'data-index': s.index }, 'Play from here') : null,
      s.source === 'none' ? el('span', { class: 'muted' }, 'gone')
        : el('a', { href: s.url, download: s.file, class: 'download' }, 'Download')));
}

function sessionSummary(session) {
  return `${session.segments.length} segments · ${seconds(session.durationSeconds)} · ${bytes(session.sizeBytes)} · ${session.format}`
    + (session.recording ? ' · still recording' : '');
}

async function showSession(body, stream, day, start) {
  crumbs([[stream, streamHash(stream)], [day, `${streamHash(stream)}/${day}`], [localClock(new Date(start)), null]]);
  const session = await fetchSession(stream, start);
  if (!session) {
    replace(body, el('p', { class: 'empty' }, 'This session does not exist (any more).'));
    return;
  }
  const video = el('video', { id: 'player', controls: true, muted: true, playsinline: true, preload: 'auto' });
  const state = el('p', { class: 'muted', id: 'player-state' });
  const timeline = el('div', { class: 'timeline', id: 'timeline', title: 'Click to play from here' });
  const now = el('span', { id: 'wallclock' }, local(session.start));
  const summary = el('p', { class: 'muted', id: 'session-summary' }, sessionSummary(session));
  const header = el('div', { class: 'session-head' },
    el('h2', {}, `${stream} · `, timeEl(session.start)), summary,
    el('p', {}, el('a', { href: timelineHash({ streams: [stream], at: session.startedAt || session.start }), class: 'timeline-link' },
      'Open in the timeline')));
  const rows = session.segments.map((s) => segmentRow(s, session.playable));
  const segmentsTable = table(['#', 'Start', '#Duration', '#Size', 'Upload', 'Source', 'Actions'], rows, 'segments-table');
  const tbody = segmentsTable.querySelector('tbody');

  if (!session.playable) {
    replace(body, header,
      el('p', { class: 'notice' }, `This session is in ${session.format.toUpperCase()} format, which browsers cannot play in the page. Download its segments below and play them with a media player such as VLC or mpv.`),
      segmentsTable);
    return;
  }
  const range = rangeForm(stream, session, () => (player ? new Date(player.wallAt(video.currentTime)) : null));
  replace(body, header, el('div', { class: 'player' }, video, timeline, el('div', { class: 'player-info' }, now, state)), range, segmentsTable);

  player = new SegmentPlayer(video, session.segments, (text) => { state.textContent = text; });
  player.live = session.recording;
  video.sessionPlayer = player; // for debugging and browser tests
  drawTimeline(timeline, player, session.segments);
  timeline.addEventListener('click', (event) => {
    const box = timeline.getBoundingClientRect();
    player.seek(((event.clientX - box.left) / box.width) * player.duration).then(() => video.play().catch(() => {}));
  });
  segmentsTable.addEventListener('click', (event) => {
    const button = event.target.closest('button.play-from');
    if (!button) return;
    const position = player.segments.findIndex((s) => s.index === Number(button.dataset.index));
    player.seek(player.offsets[position] + 0.01).then(() => video.play().catch(() => {}));
  });
  video.addEventListener('timeupdate', () => {
    const t = video.currentTime;
    const segment = player.segments[player.segmentAt(t)];
    const wall = new Date(player.wallAt(t));
    now.textContent = `${local(wall)} · segment ${segment.index}`;
    now.title = utc(wall.toISOString());
    timeline.style.setProperty('--played', `${(100 * t) / player.duration}%`);
    for (const row of tbody.children) row.classList.toggle('current', Number(row.dataset.index) === segment.index);
  });
  if (session.recording) followRecording(stream, start, session, { tbody, summary, timeline });
  try {
    await player.open();
  } catch (error) {
    state.textContent = `${error.message} Download the segments below instead.`;
  }
}

/** While the session is recorded, reads it again now and then and adds its new segments everywhere. */
function followRecording(stream, start, session, parts) {
  let known = session.segments.length;
  liveTimer = setInterval(async () => {
    try {
      const fresh = await fetchSession(stream, start);
      if (!fresh || !player) return;
      const added = fresh.segments.slice(known);
      known = fresh.segments.length;
      added.forEach((s) => parts.tbody.append(segmentRow(s, fresh.playable)));
      player.extend(added);
      player.live = fresh.recording;
      parts.summary.textContent = sessionSummary(fresh);
      if (added.length) drawTimeline(parts.timeline, player, player.segments);
      if (!fresh.recording) stopFollowing();
    } catch (error) {
      banner(`Cannot read the session: ${error.message}`);
    }
  }, LIVE_REFRESH_MS);
}

function stopFollowing() {
  clearInterval(liveTimer);
  liveTimer = null;
}

export function closeBrowser() {
  stopFollowing();
  if (player) {
    player.destroy();
    player = null;
  }
}

function drawTimeline(timeline, segmentPlayer, segments) {
  const total = segmentPlayer.duration;
  const blocks = segments.map((s, i) => {
    const width = ((segmentPlayer.offsets[i + 1] - segmentPlayer.offsets[i]) / total) * 100;
    return el('span', { class: `block ${s.upload.toLowerCase()}`, 'data-width': width.toFixed(3), title: `segment ${s.index} · ${local(s.start)}` });
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

