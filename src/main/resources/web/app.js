// The dashboard and the recordings browser. Plain DOM: every text from the server goes in through
// textContent or attribute setters, never as HTML.

import { SessionPlayer } from './player.js';

const REFRESH_MS = 5000;
let refreshTimer = null;
let player = null;

// ---- small helpers ----

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function bytes(value) {
  if (value === null || value === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${unit === 0 ? n : n.toFixed(1)} ${units[unit]}`;
}

function seconds(value) {
  if (value === null || value === undefined) return '–';
  const s = Math.round(value);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m) return `${m}m ${String(rest).padStart(2, '0')}s`;
  return `${value < 10 ? Number(value).toFixed(1) : rest}s`;
}

function utc(iso) {
  if (!iso) return '–';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC');
}

function clock(iso) {
  return iso ? iso.substring(11, 19) : '–';
}

function ago(iso, now) {
  if (!iso) return '';
  return `${seconds((Date.parse(now) - Date.parse(iso)) / 1000)} ago`;
}

function badge(text, kind) {
  return el('span', { class: `badge ${kind || ''}` }, text);
}

async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function show(section) {
  for (const id of ['dashboard', 'browser']) document.getElementById(id).hidden = id !== section;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function replace(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c));
}

function table(headers, rows, className) {
  return el('table', { class: `data ${className || ''}` },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { class: h.startsWith('#') ? 'num' : '' }, h.replace(/^#/, ''))))),
    el('tbody', {}, rows));
}

function banner(text) {
  const node = document.getElementById('banner');
  node.textContent = text || '';
  node.hidden = !text;
}

// ---- dashboard ----

function card(title, value, detail, state) {
  return el('div', { class: `card ${state}` },
    el('h3', {}, title), el('p', { class: 'big' }, value), el('p', { class: 'muted' }, detail || ''));
}

function renderStatus(status) {
  document.getElementById('version').textContent = `v${status.version}`;
  const uploads = status.uploads;
  const upDetail = uploads.localOnly ? 'local-only mode: no uploads'
    : `${uploads.inFlight} in flight · ${uploads.failed} failed` +
      (uploads.oldestPendingAgeSeconds !== null ? ` · oldest ${seconds(uploads.oldestPendingAgeSeconds)}` : '');
  replace(document.getElementById('cards'),
    card('Recorder', status.state, `up ${seconds(status.uptimeSeconds)} · since ${utc(status.startedAt)}`,
      status.state === 'RUNNING' ? 'ok' : 'warn'),
    card('Recording', String(status.recording.length), `${status.waiting.length} waiting for a slot`,
      status.waiting.length ? 'warn' : 'ok'),
    card('MediaMTX', status.mediamtx.reachable ? 'reachable' : 'unreachable',
      status.mediamtx.lastError || (status.mediamtx.lastCheck ? `checked ${ago(status.mediamtx.lastCheck, status.now)}` : ''),
      status.mediamtx.reachable ? 'ok' : 'bad'),
    card('S3', status.s3.localOnly ? 'local-only' : (status.s3.reachable ? 'reachable' : 'unreachable'),
      status.s3.localOnly ? 'uploads are off' : (status.s3.lastError || ''),
      status.s3.localOnly ? 'muted-card' : (status.s3.reachable ? 'ok' : 'bad')),
    card('Upload queue', uploads.localOnly ? '–' : `${uploads.pending} pending`,
      upDetail + (uploads.lastError ? ` · last error: ${uploads.lastError}` : ''),
      uploads.failed ? 'bad' : (uploads.pending > 20 ? 'warn' : 'ok')),
    card('Disk free', bytes(status.disk.freeBytes), `guard ${bytes(status.disk.minFreeBytes)}`,
      status.disk.aboveGuard ? 'ok' : 'bad'));

  const recording = status.recording.map((r) => el('tr', {},
    el('td', {}, el('a', { href: streamHash(r.stream) }, r.stream)),
    el('td', { title: utc(r.since) }, `${clock(r.since)} (${ago(r.since, status.now)})`),
    el('td', { class: 'num' }, r.segments),
    el('td', { class: 'num', title: `${r.bytes} bytes` }, bytes(r.bytes)),
    el('td', { class: 'num' }, r.restarts),
    el('td', { class: 'error-text' }, r.lastError || '')));
  replace(document.getElementById('recording'),
    recording.length
      ? table(['Stream', 'Since (UTC)', '#Segments', '#Size', '#Restarts', 'Last error'], recording, 'recording-table')
      : el('p', { class: 'empty' }, 'Nothing is being recorded.'));

  const waiting = status.waiting.map((w) => el('tr', {},
    el('td', {}, w.stream), el('td', {}, `${clock(w.since)} (${ago(w.since, status.now)})`)));
  replace(document.getElementById('waiting'),
    waiting.length ? table(['Stream', 'Waiting since (UTC)'], waiting) : el('p', { class: 'empty' }, 'No stream is waiting.'));
  document.getElementById('refreshed').textContent = `Updated ${utc(status.now)}; refreshes every ${REFRESH_MS / 1000} s.`;
}

async function refreshStatus() {
  try {
    renderStatus(await getJson('/api/status'));
    banner('');
  } catch (error) {
    banner(`Cannot read the recorder's status: ${error.message}`);
  }
}

function showDashboard() {
  show('dashboard');
  refreshStatus();
  refreshTimer = setInterval(refreshStatus, REFRESH_MS);
}

// ---- recordings browser: streams → days → sessions → session ----

function streamHash(stream) {
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
  replace(body, header, el('div', { class: 'player' }, video, timeline, el('div', { class: 'player-info' }, now, state)), segmentsTable);

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
    const index = player.segmentAt(t);
    const segment = session.segments[index];
    const wall = new Date(Date.parse(segment.start) + (t - player.offsets[index]) * 1000);
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

async function showBrowser(parts) {
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

// ---- routing on the URL fragment ----

function route() {
  clearInterval(refreshTimer);
  refreshTimer = null;
  if (player) {
    player.destroy();
    player = null;
  }
  const hash = location.hash.replace(/^#\/?/, '');
  const parts = hash.split('/').filter((p) => p).map(decodeURIComponent);
  if (parts[0] === 'recordings') showBrowser(parts.slice(1));
  else showDashboard();
}

window.addEventListener('hashchange', route);
route();
