// The timeline: every stream's recordings of one day (in the browser's time zone) stacked on one
// time axis, zoomable from 24 hours to 10 minutes; click to play from an instant (across segments
// and sessions, no reload), drag to select a range and export it, hover for a thumbnail, jump to a
// typed time. The URL carries day, time, zoom and streams, so a moment can be shared as a link:
//   #/timeline?day=YYYY-MM-DD&at=ISO&play=NAME&zoom=1h&stream=NAME&stream=NAME
// (stream: the streams shown, all when absent; play: the stream played from 'at').
// It refreshes itself every few seconds while shown, and a stream being recorded grows live.

import { banner, el, getJson, local, localClock, localDay, parseMoment, replace, show, utc } from './dom.js';
import { copyText, showExport } from './export.js';
import { SegmentPlayer } from './player.js';
import { PLAYABLE, Preview } from './preview.js';
import { STORAGE_TEXT, TimeBar } from './timebar.js';

const REFRESH_MS = 5000;
const MAX_NAMED = 100; // TimelineHandler.MAX_STREAMS
const HOUR = 3600000;
const ZOOMS = [
  { name: '24h', label: '24 h', length: 24 * HOUR, tick: 2 * HOUR, step: 10 * 60000 },
  { name: '6h', label: '6 h', length: 6 * HOUR, tick: 30 * 60000, step: 60000 },
  { name: '1h', label: '1 h', length: HOUR, tick: 5 * 60000, step: 10000 },
  { name: '10m', label: '10 min', length: 10 * 60000, tick: 60000, step: 1000 },
];

let view = null; // the state of the shown timeline; null while another page is shown

/** The URL fragment of a timeline: {streams, at (ISO or ms), play, day, zoom}. */
export function timelineHash({ streams, at, play, day, zoom } = {}) {
  const query = new URLSearchParams();
  if (day) query.set('day', day);
  if (at !== undefined && at !== null) query.set('at', new Date(at).toISOString());
  if (play) query.set('play', play);
  if (zoom) query.set('zoom', zoom);
  for (const stream of streams || []) query.append('stream', stream);
  const text = query.toString();
  return `#/timeline${text ? `?${text}` : ''}`;
}

function dayBounds(day) {
  const [y, m, d] = day.split('-').map(Number);
  return { start: new Date(y, m - 1, d).getTime(), end: new Date(y, m - 1, d + 1).getTime() };
}

function zoomNamed(name) {
  return ZOOMS.find((z) => z.name === name) || ZOOMS[0];
}

export async function showTimeline(query) {
  show('timeline-view');
  const root = document.getElementById('timeline-view');
  const params = new URLSearchParams(query || '');
  const at = params.get('at') ? Date.parse(params.get('at')) : NaN;
  view = {
    root, wanted: params.getAll('stream'), zoom: zoomNamed(params.get('zoom') || (Number.isNaN(at) ? '24h' : '1h')),
    at: Number.isNaN(at) ? null : at, day: params.get('day'), playStream: params.get('play'),
    bars: new Map(), data: new Map(), selection: null,
    player: null, active: null, timer: null, tick: 0,
  };
  replace(root, el('p', { class: 'muted' }, 'Loading…'));
  try {
    await loadStreams();
    if (!view.day) view.day = localDay(new Date(view.at !== null ? view.at : latestActivity()));
    setDay(view.day, view.at);
    build();
    await refresh();
    if (view && view.at !== null) play(view.playStream || firstStreamAt(view.at), view.at);
    view.timer = setInterval(tick, REFRESH_MS);
  } catch (error) {
    replace(root, el('p', { class: 'error-text' }, `Cannot load the timeline: ${error.message}`));
  }
}

export function stopTimeline() {
  if (!view) return;
  clearInterval(view.timer);
  if (view.player) view.player.destroy();
  view = null;
}

async function loadStreams() {
  const { streams } = await getJson('/api/streams');
  view.known = streams;
  view.streams = view.wanted.length ? view.wanted : streams.map((s) => s.stream);
}

/** The last moment anything was recorded: now while a stream records, else the newest session start. */
function latestActivity() {
  if (view.known.some((s) => s.recording)) return Date.now();
  const starts = view.known.map((s) => Date.parse(s.lastStart)).filter((t) => !Number.isNaN(t));
  return starts.length ? Math.max(...starts) : Date.now();
}

function setDay(day, centre) {
  view.day = day;
  view.bounds = dayBounds(day);
  setWindow(centre !== null && centre !== undefined ? centre : null);
}

/** Sets the visible window for the current zoom, centred on an instant when given. */
function setWindow(centre) {
  const { start, end } = view.bounds;
  const length = Math.min(view.zoom.length, end - start);
  let from = centre === null ? start : centre - length / 2;
  from = Math.max(start, Math.min(from, end - length));
  view.window = { start: from, end: from + length };
}

// ---- page structure ----

function build() {
  const v = view;
  v.video = el('video', { id: 'tl-video', controls: true, muted: true, playsinline: true, preload: 'auto' });
  v.wallclock = el('span', { id: 'tl-wallclock' }, 'Click a bar to play from that moment');
  v.state = el('span', { id: 'tl-state', class: 'muted' });
  v.share = el('button', { type: 'button', class: 'link', id: 'tl-share', hidden: true, onclick: shareMoment }, 'Copy link to this moment');
  v.date = el('input', { type: 'date', id: 'tl-date', value: v.day, 'aria-label': 'Day', onchange: () => {
    if (v.date.value) changeDay(v.date.value);
  } });
  v.jump = el('input', { type: 'text', id: 'tl-jump', placeholder: 'Jump to: 14:10 or 2024-05-01 14:10:30',
    'aria-label': 'Jump to a time', autocomplete: 'off',
    title: 'Your local time (14:10, 14:10:30 on the day shown, or 2024-05-01 14:10), or UTC: 2024-05-01T12:10:00Z, "… UTC" or an offset such as +02:00' });
  v.zoomButtons = ZOOMS.map((z) => el('button', { type: 'button', class: 'zoom', 'data-zoom': z.name, onclick: () => zoomTo(z, null) }, z.label));
  v.axis = el('div', { class: 'tl-axis', 'aria-hidden': 'true' });
  v.rows = el('div', { class: 'tl-rows' });
  v.preview = new Preview();
  v.exportBar = el('div', { class: 'tl-export', id: 'tl-export', hidden: true, role: 'region', 'aria-label': 'Selected range' });
  replace(v.root,
    el('div', { class: 'player tl-player' }, v.video, el('div', { class: 'player-info' }, v.wallclock, v.share, v.state)),
    el('div', { class: 'tl-toolbar' },
      el('div', { class: 'tl-group' },
        el('button', { type: 'button', 'aria-label': 'Previous day', onclick: () => changeDay(shiftDay(-1)) }, '‹'),
        v.date,
        el('button', { type: 'button', 'aria-label': 'Next day', onclick: () => changeDay(shiftDay(1)) }, '›'),
        el('button', { type: 'button', onclick: () => changeDay(localDay(new Date())) }, 'Today')),
      el('div', { class: 'tl-group', role: 'group', 'aria-label': 'Zoom' },
        el('button', { type: 'button', 'aria-label': 'Earlier', onclick: () => pan(-1) }, '«'),
        v.zoomButtons,
        el('button', { type: 'button', 'aria-label': 'Later', onclick: () => pan(1) }, '»')),
      el('form', { class: 'tl-group tl-jump', onsubmit: (event) => { event.preventDefault(); jump(v.jump.value); } },
        v.jump, el('button', { type: 'submit' }, 'Go'))),
    el('div', { class: 'tl-chart' }, v.axis, v.rows, v.preview.element),
    v.exportBar,
    legend(),
    el('p', { class: 'muted small' },
      'Click a bar to play from there (on the 24 h and 6 h views it also zooms in to that hour); drag to select a range to export and play it. ',
      'Keyboard: Tab to a bar, ← → move (Shift: faster), Enter plays, [ and ] set the selection, Esc clears it, ↑ ↓ change stream. ',
      'Times are in your time zone; hover for UTC.'));
  v.video.segmentPlayer = null;
  v.video.addEventListener('timeupdate', onTime);
}

function legend() {
  return el('ul', { class: 'tl-legend', 'aria-label': 'Legend' },
    ['local', 'both', 's3', 'missing', 'recording'].map((storage) =>
      el('li', {}, el('span', { class: `swatch ${storage}` }), STORAGE_TEXT[storage])),
    el('li', {}, el('span', { class: 'swatch gap' }), 'Nothing recorded'));
}

function shiftDay(days) {
  const [y, m, d] = view.day.split('-').map(Number);
  return localDay(new Date(y, m - 1, d + days));
}

function changeDay(day) {
  if (!view || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
  stopPlayer();
  view.zoom = ZOOMS[0];
  setDay(day, null);
  clearSelection();
  updateUrl(null);
  refresh();
}

function zoomTo(zoom, centre) {
  view.zoom = zoom;
  const c = centre !== null ? centre : focusInstant();
  setWindow(c);
  updateUrl(view.cursor !== undefined ? view.cursor : null);
  render();
}

function focusInstant() {
  if (view.player && view.playing !== undefined) return view.playing;
  if (view.cursor !== undefined && view.cursor !== null) return view.cursor;
  return (view.window.start + view.window.end) / 2;
}

function pan(direction) {
  const length = view.window.end - view.window.start;
  if (length >= view.bounds.end - view.bounds.start) {
    changeDay(shiftDay(direction));
    return;
  }
  setWindow((view.window.start + view.window.end) / 2 + direction * length * 0.75);
  render();
}

// ---- data ----

async function refresh() {
  const v = view;
  if (!v) return;
  const query = new URLSearchParams({ from: new Date(v.bounds.start).toISOString(), to: new Date(v.bounds.end).toISOString() });
  // the names keep the order of the rows; beyond the API's 100 names it answers for every stream
  if (v.wanted.length || v.streams.length <= MAX_NAMED) v.streams.slice(0, MAX_NAMED).forEach((stream) => query.append('stream', stream));
  const answer = v.streams.length ? await getJson(`/api/timeline?${query}`) : { streams: [], now: new Date().toISOString() };
  if (v !== view) return;
  v.now = answer.now;
  v.data = new Map(answer.streams.map((s) => [s.stream, s]));
  render();
  banner('');
}

async function tick() {
  const v = view;
  if (!v || document.visibilityState !== 'visible') return;
  try {
    v.tick++;
    if (!v.wanted.length && v.tick % 6 === 0) {
      await loadStreams(); // a stream published since appears within half a minute
      if (v !== view) return;
    }
    // a past day changes only as uploads and retention move its files: every sixth tick is enough
    if (Date.now() < v.bounds.end || v.tick % 6 === 0) await refresh();
    await growPlayer();
  } catch (error) {
    banner(`Cannot refresh the timeline: ${error.message}`);
  }
}

// ---- drawing ----

function render() {
  const v = view;
  if (!v) return;
  v.date.value = v.day;
  v.zoomButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.zoom === v.zoom.name)));
  drawAxis();
  if (!v.streams.length) {
    replace(v.rows, el('p', { class: 'empty' }, 'No recordings yet.'));
    return;
  }
  const rows = v.streams.map((stream) => {
    let bar = v.bars.get(stream);
    if (!bar) {
      bar = new TimeBar(stream, barActions);
      bar.label = el('div', { class: 'tl-label' });
      bar.row = el('div', { class: 'tl-row', 'data-stream': stream }, bar.label, bar.element);
      v.bars.set(stream, bar);
    }
    const data = v.data.get(stream);
    bar.draw(data, v.window, v.now || new Date().toISOString());
    bar.showPlayhead(v.active === stream && v.playing !== undefined ? v.playing : null);
    const sel = v.selection && v.selection.stream === stream ? v.selection : null;
    bar.showSelection(sel ? sel.from : null, sel ? sel.to : null);
    const recording = data && data.recording;
    const empty = data && !data.spans.length && !recording;
    bar.row.classList.toggle('active', v.active === stream);
    bar.label.replaceChildren(
      el('a', { href: timelineHash({ streams: [stream], day: v.day }), title: `Only ${stream}` }, stream),
      ...(recording ? [el('span', { class: 'badge live', title: `since ${utc(recording.since)}` },
        `● rec · segment ${recording.index}`)] : []),
      ...(empty ? [el('span', { class: 'muted small' }, 'nothing this day')] : []));
    return bar.row;
  });
  if (v.wanted.length) {
    v.allLink = v.allLink || el('p', { class: 'small' }, el('a', { href: timelineHash({}) }, 'Show all streams'));
    rows.push(v.allLink);
  }
  // rows stay in place while their streams do: a re-draw must not end a drag or move the focus
  const current = [...v.rows.children];
  if (current.length !== rows.length || current.some((row, i) => row !== rows[i])) replace(v.rows, rows);
}

function drawAxis() {
  const { start, end } = view.window;
  // at most one label per 56 px: a phone gets every second or third one
  const fit = Math.max(2, Math.floor((view.axis.clientWidth || 1000) / 56));
  const tick = view.zoom.tick * Math.max(1, Math.ceil((end - start) / view.zoom.tick / fit));
  const origin = view.bounds.start;
  const ticks = [];
  for (let t = origin + Math.ceil((start - origin) / tick) * tick; t <= end; t += tick) {
    const label = el('span', { class: 'tl-tick' }, localClock(new Date(t)).substring(0, 5));
    label.style.left = `${(((t - start) / (end - start)) * 100).toFixed(3)}%`;
    ticks.push(label);
  }
  replace(view.axis, ticks);
}

// ---- bar actions ----

const barActions = {
  play: (stream, ms, options) => {
    // from the day view, a click also zooms in to that hour (a drag keeps the view of its range)
    if (view.zoom.length > HOUR && !(options && options.zoom === false)) zoomTo(ZOOMS[2], ms);
    play(stream, ms);
  },
  select: (stream, from, to) => select(stream, from, to),
  hover: (stream, ms, x, bar) => view.preview.show(stream, ms, x, bar, view.window),
  leave: () => view.preview.hide(),
  step: () => view.zoom.step,
  cursor: (stream, ms) => { view.cursor = ms; },
  focusRow: (stream, delta) => {
    const index = view.streams.indexOf(stream) + delta;
    const bar = view.bars.get(view.streams[index]);
    if (bar) {
      bar.showCursor(view.bars.get(stream).cursor);
      bar.element.focus();
    }
  },
};

function firstStreamAt(ms) {
  for (const stream of view.streams) {
    const bar = view.bars.get(stream);
    const span = bar && bar.spanAt(ms);
    if (span && PLAYABLE.has(span.storage)) return stream;
  }
  return view.streams[0];
}

// ---- playback ----

async function play(stream, ms) {
  const v = view;
  v.cursor = ms;
  const bar = v.bars.get(stream);
  if (bar) bar.showCursor(ms);
  updateUrl(ms, stream);
  try {
    if (v.active !== stream || !v.player) {
      await startPlayer(stream, ms);
    } else {
      await v.player.seekWall(ms);
    }
    if (v !== view || !v.player) return;
    explainStart(bar, ms);
    await v.video.play().catch(() => {});
  } catch (error) {
    v.state.textContent = `Cannot play: ${error.message}`;
  }
}

/**
 * The segments (in time order) without those of an earlier session that begin after a later
 * session began: at UTC midnight the next day's session records before the previous one stops, and
 * what the previous one wrote then is in the next one too (/get leaves them out the same way).
 */
function playedOnce(segments, latestSession = null) {
  let latest = latestSession ? Date.parse(latestSession) : -Infinity;
  return segments.filter((s) => {
    const session = Date.parse(s.session);
    if (session < latest) return false;
    latest = session;
    return true;
  });
}

/**
 * The segments of an answer of /api/segments the player takes now: finished MP4 segments, played
 * once ({@link playedOnce}). While the session being recorded has not finished its first segment,
 * those of an earlier session that begin once it began wait: at UTC midnight the previous day's
 * session can finish a short segment, begun after the next one began, before the next one
 * finishes its first, which begins earlier; whether each is played is known once that first
 * segment is listed. (A player that went on from such a segment never asked for the earlier one.)
 */
export function playable(answer, latestSession = null) {
  const recording = answer.recording;
  const next = recording && recording.index === 0 ? Date.parse(recording.session) : Infinity;
  return playedOnce(finishedMp4(answer).filter((s) => Date.parse(s.session) >= next || Date.parse(s.start) < next),
    latestSession);
}

/** The finished MP4 segments of an answer of /api/segments. */
function finishedMp4(answer) {
  return answer.segments.filter((s) => PLAYABLE.has(s.storage) && s.url.endsWith('.mp4'));
}

async function startPlayer(stream, ms) {
  const v = view;
  stopPlayer();
  v.active = stream;
  render();
  v.state.textContent = 'Loading…';
  const query = new URLSearchParams({ stream, from: new Date(v.bounds.start).toISOString(), to: new Date(v.bounds.end).toISOString() });
  const answer = await getJson(`/api/segments?${query}`);
  if (v !== view || v.active !== stream) return;
  let segments = playable(answer);
  if (!segments.length) { // only segments that wait for the next session's first: play them
    segments = playedOnce(finishedMp4(answer));
  }
  if (!segments.length) throw new Error(`${stream} has no playable recording on this day.`);
  const player = new SegmentPlayer(v.video, segments, (text) => { if (view === v) v.state.textContent = text; });
  player.live = Boolean(answer.recording) && Date.now() < v.bounds.end;
  v.player = player;
  v.video.segmentPlayer = player; // for browser tests and debugging
  v.share.hidden = false;
  try {
    await player.open(player.timeAt(ms));
  } catch (error) {
    stopPlayer(); // the next click starts afresh
    throw error;
  }
}

function explainStart(bar, ms) {
  const span = bar && bar.spanAt(ms);
  if (span && PLAYABLE.has(span.storage)) return;
  const start = view.player.wallAt(view.player.timeAt(ms));
  view.state.textContent = span && span.storage === 'recording'
    ? 'This part is being recorded now; it plays once its segment is finished.'
    : `Nothing recorded at ${localClock(new Date(ms))}; playing from ${localClock(new Date(start))}.`;
}

function stopPlayer() {
  const v = view;
  if (v.player) v.player.destroy();
  v.player = null;
  v.video.segmentPlayer = null;
  v.active = null;
  v.playing = undefined;
  v.share.hidden = true;
}

/** Adds the segments finished since to the player of a stream being recorded. */
async function growPlayer() {
  const v = view;
  if (!v || !v.player || !v.player.live) return;
  const segments = v.player.segments;
  const last = segments[segments.length - 1];
  const query = new URLSearchParams({ stream: v.active, from: new Date(Date.parse(last.start) + 1).toISOString(), to: new Date(v.bounds.end).toISOString() });
  const answer = await getJson(`/api/segments?${query}`);
  if (v !== view || !v.player) return;
  v.player.extend(playable(answer, last.session));
  v.player.live = Boolean(answer.recording);
}

function onTime() {
  const v = view;
  if (!v || !v.player) return;
  const t = v.video.currentTime;
  const wall = v.player.wallAt(t);
  v.playing = wall;
  const segment = v.player.segments[v.player.segmentAt(t)];
  v.wallclock.textContent = `${v.active} · ${local(new Date(wall))} · segment ${segment.index}`;
  v.wallclock.title = `UTC ${utc(new Date(wall).toISOString())}`;
  v.wallclock.dataset.wallclock = new Date(wall).toISOString();
  const { start, end } = v.window;
  if (!v.video.paused && (wall < start || wall > end) && wall >= v.bounds.start && wall < v.bounds.end) {
    setWindow(wall + (end - start) * 0.4); // follow the playhead
    render();
  }
  const bar = v.bars.get(v.active);
  if (bar) bar.showPlayhead(wall);
}

// ---- jump, share, URL ----

function jump(text) {
  const ms = parseMoment(text, view.day);
  if (Number.isNaN(ms)) {
    view.state.textContent = `Cannot read "${text}": type 14:10, 2024-05-01 14:10:30, or a UTC time ending in Z or UTC.`;
    return;
  }
  const day = localDay(new Date(ms));
  if (day !== view.day) {
    stopPlayer();
    setDay(day, ms);
    refresh().then(() => {
      zoomTo(ZOOMS[2], ms);
      play(firstStreamAt(ms), ms);
    });
    return;
  }
  zoomTo(ZOOMS[2], ms);
  play(view.active || firstStreamAt(ms), ms);
}

/** Puts the shown moment into the URL without reloading, so the address bar is a shareable link. */
function updateUrl(ms, stream) {
  const v = view;
  const hash = timelineHash({ streams: v.wanted, day: ms === null ? v.day : null, at: ms,
    play: ms === null ? null : (stream || v.active), zoom: v.zoom.name });
  history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

function momentLink() {
  const v = view;
  const at = v.playing !== undefined ? v.playing : v.cursor;
  return `${location.origin}${location.pathname}${timelineHash({ streams: v.wanted, play: v.active, at, zoom: v.zoom.name })}`;
}

function shareMoment() {
  copyText(momentLink(), view.state);
}

// ---- selection and export ----

function select(stream, from, to) {
  const v = view;
  if (from === undefined && to === undefined) {
    clearSelection();
    return;
  }
  const old = v.selection && v.selection.stream === stream ? v.selection : null;
  let start = from ?? old?.from ?? null;
  let end = to ?? old?.to ?? null;
  if (start === null) start = end - 60000; // ']' alone: the minute before
  if (end === null || end <= start) end = start + 60000; // '[' alone: the minute after
  v.selection = { stream, from: Math.round(start), to: Math.round(end) };
  render();
  showExport(v.exportBar, v.selection, { play, clear: clearSelection });
}

function clearSelection() {
  const v = view;
  v.selection = null;
  v.exportBar.hidden = true;
  v.bars.forEach((bar) => bar.showSelection(null));
}
