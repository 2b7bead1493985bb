// The dashboard: what is recorded, waiting and uploaded, disk and reachability; refreshed every
// few seconds from /api/status while it is shown.

import { ago, banner, bytes, clock, el, getJson, replace, seconds, show, table, utc } from './dom.js';
import { streamHash } from './browser.js';

const REFRESH_MS = 5000;
let refreshTimer = null;

/** The time of day when it is today, else date and time. */
function since(iso, now) {
  return iso.substring(0, 10) === now.substring(0, 10) ? clock(iso) : utc(iso).replace(' UTC', '');
}

function card(title, value, detail, state) {
  return el('div', { class: `card ${state}` },
    el('h3', {}, title), el('p', { class: 'big' }, value), el('p', { class: 'muted' }, detail || ''));
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
    card('Disk free', bytes(status.disk.freeBytes),
      `${status.disk.aboveGuard ? 'guard' : 'below the guard of'} ${bytes(status.disk.minFreeBytes)}`,
      status.disk.aboveGuard ? 'ok' : 'bad'));

  const recording = status.recording.map((r) => el('tr', {},
    el('td', {}, el('a', { href: streamHash(r.stream) }, r.stream)),
    el('td', { class: r.state === 'WAITING_FOR_DISK' ? 'error-text' : '' }, stateText(r.state)),
    el('td', { title: utc(r.since) }, `${since(r.since, status.now)} (${ago(r.since, status.now)})`),
    el('td', { class: 'num' }, r.segments),
    el('td', { class: 'num', title: `${r.bytes} bytes` }, bytes(r.bytes)),
    el('td', { class: 'num' }, r.restarts),
    el('td', { class: 'error-text' }, r.lastError || '')));
  replace(document.getElementById('recording'),
    recording.length
      ? table(['Stream', 'State', 'Since (UTC)', '#Segments', '#Size', '#Restarts', 'Last error'], recording, 'recording-table')
      : el('p', { class: 'empty' }, 'Nothing is being recorded.'));

  const waiting = status.waiting.map((w) => el('tr', {},
    el('td', {}, w.stream), el('td', {}, `${since(w.since, status.now)} (${ago(w.since, status.now)})`)));
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

export function showDashboard() {
  show('dashboard');
  refreshStatus();
  refreshTimer = setInterval(refreshStatus, REFRESH_MS);
}

export function stopDashboard() {
  clearInterval(refreshTimer);
  refreshTimer = null;
}

