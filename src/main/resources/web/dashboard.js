// The dashboard: what is recorded, waiting and uploaded, disk and reachability; refreshed every
// few seconds from /api/status while it is shown.

import { ago, banner, bytes, el, getJson, local, localClock, localDay, replace, seconds, show, table, timeEl } from './dom.js';
import { timelineHash } from './timeline.js';

const REFRESH_MS = 5000;
const DETAIL_CHARACTERS = 160;
let refreshTimer = null;

/** The local time of day when it is today, else local date and time; UTC on hover. */
function since(iso) {
  const date = new Date(iso);
  return timeEl(iso, localDay(date) === localDay(new Date()) ? localClock(date) : local(iso));
}

/**
 * A status card. A long detail (an error message with a whole URL) is cut, with the full text
 * on hover, so that one card cannot stretch the whole row.
 */
function card(title, value, detail, state) {
  const text = detail || '';
  const shown = text.length > DETAIL_CHARACTERS ? `${text.substring(0, DETAIL_CHARACTERS - 1)}…` : text;
  return el('div', { class: `card ${state}` },
    el('h3', {}, title), el('p', { class: 'big' }, value), el('p', { class: 'muted detail', title: text }, shown));
}

/** The segment FFmpeg writes now (only while the state is RECORDING). */
function currentSegment(r) {
  const current = r.currentSegment;
  return current ? el('span', {}, `#${current.index} since `, since(current.since)) : '–';
}

/** A recording's state for people: WAITING_FOR_DISK becomes "waiting for disk space". */
function stateText(state) {
  return state === 'WAITING_FOR_DISK' ? 'waiting for disk space' : String(state || '').toLowerCase();
}

function renderStatus(status) {
  document.getElementById('version').textContent = `v${status.version}`;
  const uploads = status.uploads;
  const upDetail = uploads.localOnly ? 'local-only mode: no uploads'
    : `${uploads.inFlight} in flight · ${uploads.failed} failed` +
      (uploads.oldestPendingAgeSeconds !== null ? ` · oldest ${seconds(uploads.oldestPendingAgeSeconds)}` : '');
  replace(document.getElementById('cards'),
    card('Recorder', status.state, `up ${seconds(status.uptimeSeconds)} · since ${local(status.startedAt)}`,
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
    card('Disk free', bytes(status.disk.freeBytes),
      `${status.disk.aboveGuard ? 'guard' : 'below the guard of'} ${bytes(status.disk.minFreeBytes)}`,
      status.disk.aboveGuard ? 'ok' : 'bad'));

  const recording = status.recording.map((r) => el('tr', { 'data-stream': r.stream },
    el('td', {}, el('a', { href: timelineHash({ streams: [r.stream] }), title: 'Open in the timeline' }, r.stream)),
    el('td', { class: r.state === 'WAITING_FOR_DISK' ? 'error-text' : '' }, stateText(r.state)),
    el('td', {}, since(r.since), ` (${ago(r.since, status.now)})`),
    el('td', { class: 'current-segment' }, currentSegment(r)),
    el('td', { class: 'num' }, r.segments),
    el('td', { class: 'num', title: `${r.bytes} bytes` }, bytes(r.bytes)),
    el('td', { class: 'num' }, r.restarts),
    el('td', { class: 'error-text' }, r.lastError || '')));
  replace(document.getElementById('recording'),
    recording.length
      ? table(['Stream', 'State', 'Since', 'Current segment', '#Segments', '#Size', '#Restarts', 'Last error'], recording, 'recording-table')
      : el('p', { class: 'empty' }, 'Nothing is being recorded.'));

  const waiting = status.waiting.map((w) => el('tr', {},
    el('td', {}, w.stream), el('td', {}, since(w.since), ` (${ago(w.since, status.now)})`)));
  replace(document.getElementById('waiting'),
    waiting.length ? table(['Stream', 'Waiting since'], waiting) : el('p', { class: 'empty' }, 'No stream is waiting.'));
  document.getElementById('refreshed').textContent = `Updated ${local(status.now)}; refreshes every ${REFRESH_MS / 1000} s.`;
}

async function refreshStatus() {
  try {
    renderStatus(await getJson('/api/status'));
    banner('');
  } catch (error) {
    banner(`Cannot read the recorder's status: ${error.message}`);
  }
}

export function showDashboard() {
  show('dashboard');
  refreshStatus();
  refreshTimer = setInterval(refreshStatus, REFRESH_MS);
}

export function stopDashboard() {
  clearInterval(refreshTimer);
  refreshTimer = null;
}

