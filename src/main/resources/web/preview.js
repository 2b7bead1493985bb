// The preview shown while the pointer rests on a timeline bar: the time, what is recorded there,
// and a thumbnail of the nearest keyframe (/api/thumbnail) where something playable is recorded.
// Nothing is asked for gaps, lost stretches or the part being recorded. A thumbnail that fails
// (the server is busy, S3 is away for a moment) is asked again while the pointer rests, after 1, 2
// and 4 s, and once more each time the pointer comes back.

import { el, localClock } from './dom.js';
import { STORAGE_TEXT } from './timebar.js';

export const PLAYABLE = new Set(['local', 'both', 's3']);
const WIDTH = 240;
const REST_MS = 120; // ask only once the pointer rests a moment
const RETRY_MS = [1000, 2000, 4000];

export class Preview {
  constructor() {
    this.image = el('img', { id: 'tl-thumb', alt: '', width: String(WIDTH), hidden: true });
    this.time = el('span', { class: 'tl-hover-time' });
    this.element = el('div', { class: 'tl-hover', hidden: true, 'aria-hidden': 'true' }, this.image, this.time);
    this.retries = 0;
    this.failed = null; // the address whose last load failed
    this.cameBack = false; // the pointer went elsewhere after that failure
    this.image.addEventListener('load', () => { this.failed = null; });
    this.image.addEventListener('error', () => this.retry());
  }

  /** Shows the preview of instant ms of a stream's bar, x being the pointer's client x; window: the visible range. */
  show(stream, ms, x, bar, window) {
    const span = bar.spanAt(ms);
    const box = this.element.parentElement.getBoundingClientRect();
    const row = bar.element.getBoundingClientRect();
    this.element.hidden = false;
    this.time.textContent = `${localClock(new Date(ms))} · ${span ? STORAGE_TEXT[span.storage] : 'nothing recorded'}`;
    this.element.style.left = `${Math.max(0, Math.min(box.width - WIDTH, x - box.left - WIDTH / 2))}px`;
    this.element.style.top = `${row.top - box.top}px`;
    clearTimeout(this.timer);
    if (!span || !PLAYABLE.has(span.storage)) {
      this.image.hidden = true;
      this.want('');
      return;
    }
    // one picture per few pixels: neighbouring positions ask for the same (cached) image
    const step = Math.max(1000, (window.end - window.start) / 240);
    const at = new Date(Math.max(Date.parse(span.start), Math.floor(ms / step) * step)).toISOString();
    const url = `/api/thumbnail?stream=${encodeURIComponent(stream)}&at=${encodeURIComponent(at)}&width=${WIDTH}`;
    this.want(url);
    this.timer = setTimeout(() => {
      // a failed address is asked again here only when the pointer comes back to it; while the
      // pointer stays, the retries below ask, at their own pace
      if (this.image.getAttribute('src') !== url || (this.failed === url && this.cameBack)) this.load(url);
      this.image.hidden = false;
    }, REST_MS);
  }

  hide() {
    clearTimeout(this.timer);
    this.want('');
    this.element.hidden = true;
  }

  /** The address the pointer asks for now ('' for none); a new one ends the retries of the last. */
  want(url) {
    if (this.image.dataset.wanted === url) return;
    this.retries = 0;
    clearTimeout(this.retryTimer);
    if (this.failed) this.cameBack = true;
    this.image.dataset.wanted = url;
  }

  load(url) {
    this.failed = null;
    this.cameBack = false;
    this.image.src = url; // setting it again asks again, even for the same address
  }

  retry() {
    const url = this.image.getAttribute('src');
    this.failed = url;
    this.cameBack = false;
    if (this.element.hidden || this.image.dataset.wanted !== url || this.retries >= RETRY_MS.length) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.element.hidden && this.image.dataset.wanted === url) {
        this.load(url);
        this.image.hidden = false;
      }
    }, RETRY_MS[this.retries++]);
  }
}
