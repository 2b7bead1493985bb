// One stream's bar on the timeline: its recorded spans, the part recorded right now, the
// selection, the playhead and the keyboard cursor, drawn over the visible window [start, end)
// (ms since the epoch). Pointer: a click plays from that instant, a drag selects a range and
// plays it from its start, hovering asks for a preview. Keyboard (the bar is a focusable
// slider): arrows move the cursor, Enter plays from it, [ and ] set the selection, Escape
// clears it.

import { el, local, localClock, utc } from './dom.js';

const DRAG_PIXELS = 5;

/** Places a child over [from, to) of the window by CSSOM (the CSP allows no style attributes). */
function place(node, from, to, view) {
  const length = view.end - view.start;
  const left = Math.max(0, (from - view.start) / length);
  const right = Math.min(1, (to - view.start) / length);
  node.style.left = `${(left * 100).toFixed(4)}%`;
  node.style.width = `${(Math.max(0, right - left) * 100).toFixed(4)}%`;
  node.hidden = to <= view.start || from >= view.end;
}

/** Places a thin mark (playhead, cursor) at an instant of the window. */
function mark(node, ms, view) {
  node.style.left = `${(((ms - view.start) / (view.end - view.start)) * 100).toFixed(4)}%`;
  node.hidden = ms === null || ms < view.start || ms > view.end;
}

export class TimeBar {
  /**
   * @param stream the stream's name
   * @param actions { play(stream, ms), select(stream, from, to), hover(stream, ms, x, bar), leave(), step(), focusRow(stream, delta) }
   */
  constructor(stream, actions) {
    this.stream = stream;
    this.actions = actions;
    this.cursor = null;
    this.spans = el('div', { class: 'tl-spans' });
    this.live = el('span', { class: 'tl-span recording', hidden: true, title: 'Recording now' });
    this.selection = el('span', { class: 'tl-selection', hidden: true });
    this.playhead = el('span', { class: 'tl-playhead', hidden: true });
    this.cursorMark = el('span', { class: 'tl-cursor', hidden: true });
    this.element = el('div', {
      class: 'tl-bar', tabindex: '0', role: 'slider', 'aria-label': `Timeline of ${stream}`,
      'data-stream': stream,
    }, this.spans, this.live, this.selection, this.playhead, this.cursorMark);
    this.element.addEventListener('pointerdown', (event) => this.pointerDown(event));
    this.element.addEventListener('pointermove', (event) => this.pointerMove(event));
    this.element.addEventListener('pointerup', (event) => this.pointerUp(event));
    this.element.addEventListener('pointerleave', () => this.actions.leave());
    this.element.addEventListener('keydown', (event) => this.key(event));
  }

  /** The instant under a client x coordinate. */
  instantAt(clientX) {
    const box = this.element.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (clientX - box.left) / box.width));
    return this.view.start + fraction * (this.view.end - this.view.start);
  }

  /** The client x coordinate of an instant. */
  xOf(ms) {
    const box = this.element.getBoundingClientRect();
    return box.left + ((ms - this.view.start) / (this.view.end - this.view.start)) * box.width;
  }

  /**
   * Draws the spans and the part recorded now. {stream data}: spans [{start, end, storage, segments}],
   * recording {since, index} or null; now: the server's time (ISO).
   */
  draw(data, view, now) {
    this.view = view;
    this.data = data;
    const spans = (data ? data.spans : []).map((span) => {
      const from = Date.parse(span.start);
      const to = Date.parse(span.end);
      const node = el('span', {
        class: `tl-span ${span.storage}`, 'data-start': span.start, 'data-end': span.end, 'data-storage': span.storage,
        title: `${STORAGE_TEXT[span.storage]}: ${local(span.start)} – ${localClock(new Date(span.end))}`
          + ` (${span.segments} segment${span.segments === 1 ? '' : 's'}; UTC ${utc(span.start)})`,
      });
      place(node, from, Math.max(to, from + 1), view);
      return node;
    });
    this.spans.replaceChildren(...spans);
    const recording = data && data.recording;
    if (recording) {
      place(this.live, Date.parse(recording.since), Date.parse(now), view);
      this.live.dataset.start = recording.since;
      this.live.title = `Recording now: segment ${recording.index} since ${local(recording.since)}`;
    } else {
      this.live.hidden = true;
    }
    this.element.dataset.windowStart = String(Math.round(view.start));
    this.element.dataset.windowEnd = String(Math.round(view.end));
    this.element.setAttribute('aria-valuemin', String(Math.round(view.start / 1000)));
    this.element.setAttribute('aria-valuemax', String(Math.round(view.end / 1000)));
    this.showCursor(this.cursor);
  }

  /** The span (or the part recorded now) holding an instant: {storage, start, end} or null. */
  spanAt(ms) {
    if (!this.data) return null;
    for (const span of this.data.spans) {
      if (ms >= Date.parse(span.start) && ms < Date.parse(span.end) + 500) return span;
    }
    const recording = this.data.recording;
    if (recording && ms >= Date.parse(recording.since)) return { storage: 'recording', start: recording.since };
    return null;
  }

  showSelection(from, to) {
    if (from === null || from === undefined) {
      this.selection.hidden = true;
      return;
    }
    place(this.selection, from, to, this.view);
  }

  showPlayhead(ms) {
    mark(this.playhead, ms, this.view);
  }

  showCursor(ms) {
    this.cursor = ms;
    if (!this.view) return;
    mark(this.cursorMark, ms, this.view);
    if (ms !== null) {
      this.element.dataset.cursor = String(Math.round(ms));
      this.element.setAttribute('aria-valuenow', String(Math.round(ms / 1000)));
      this.element.setAttribute('aria-valuetext', local(new Date(ms)));
    }
  }

  pointerDown(event) {
    if (event.button !== 0) return;
    this.drag = { x: event.clientX, from: this.instantAt(event.clientX), selecting: false };
    this.element.setPointerCapture(event.pointerId);
  }

  pointerMove(event) {
    const drag = this.drag;
    if (drag && (drag.selecting || Math.abs(event.clientX - drag.x) >= DRAG_PIXELS)) {
      drag.selecting = true;
      const at = this.instantAt(event.clientX);
      this.showSelection(Math.min(drag.from, at), Math.max(drag.from, at));
      return;
    }
    if (!drag) this.actions.hover(this.stream, this.instantAt(event.clientX), event.clientX, this);
  }

  pointerUp(event) {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    const at = this.instantAt(event.clientX);
    if (drag.selecting) {
      // a drag selects a range (to export) and plays it from its start
      const from = Math.min(drag.from, at);
      this.actions.select(this.stream, from, Math.max(drag.from, at));
      this.showCursor(from);
      this.actions.play(this.stream, from, { zoom: false });
    } else {
      this.showCursor(at);
      this.actions.play(this.stream, at);
    }
  }

  key(event) {
    const length = this.view.end - this.view.start;
    const step = this.actions.step() * (event.shiftKey ? 6 : 1);
    const cursor = this.cursor === null ? this.view.start + length / 2 : this.cursor;
    let handled = true;
    switch (event.key) {
      case 'ArrowLeft': this.moveCursor(cursor - step); break;
      case 'ArrowRight': this.moveCursor(cursor + step); break;
      case 'Home': this.moveCursor(this.view.start); break;
      case 'End': this.moveCursor(this.view.end - 1); break;
      case 'Enter':
      case ' ': this.actions.play(this.stream, cursor); break;
      case '[': this.actions.select(this.stream, cursor, null); break;
      case ']': this.actions.select(this.stream, null, cursor); break;
      case 'Escape': this.actions.select(this.stream, undefined, undefined); break;
      case 'ArrowUp': this.actions.focusRow(this.stream, -1); break;
      case 'ArrowDown': this.actions.focusRow(this.stream, 1); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  }

  moveCursor(ms) {
    this.showCursor(ms);
    this.actions.cursor(this.stream, ms);
  }
}

export const STORAGE_TEXT = {
  local: 'Only on this disk',
  both: 'On this disk and in S3',
  s3: 'Only in S3',
  missing: 'Missing (lost before upload)',
  recording: 'Recording now',
};
