// Plays a list of recorded segments in one <video>: every segment is a self-contained fragmented
// MP4 file (its own ftyp + moov), appended one after the other to a Media Source Extensions
// SourceBuffer in 'sequence' mode, so playback runs on across segment and session boundaries
// without a stop (a gap between sessions is skipped; the wall clock jumps). A seek to a part not
// loaded yet starts appending again from the segment holding it. The list may grow while a
// stream is recorded (extend), and wall-clock instants map to video time and back.

import { codecs, completePrefix } from './mp4.js';

const AHEAD_SECONDS = 30; // keep this much loaded ahead of the playhead
const BEHIND_SECONDS = 30; // and drop what lies further behind, to stay within the quota
const FETCH_WAITS_MS = [500, 1000, 2000, 4000, 8000]; // between tries of a segment that failed to load
const RETRIED_STATUS = new Set([408, 429]); // besides every 5xx

function once(target, event) {
  return new Promise((resolve) => target.addEventListener(event, resolve, { once: true }));
}

export class SegmentPlayer {
  /**
   * @param video the <video> element
   * @param segments segments in time order: url, start (ISO), durationSeconds (may be null)
   * @param onState called with a short text whenever the player's state changes
   */
  constructor(video, segments, onState) {
    this.video = video;
    this.segments = [...segments];
    this.onState = onState || (() => {});
    this.offsets = SegmentPlayer.estimateOffsets(this.segments);
    this.generation = 0;
    this.seekTarget = null;
    this.listeners = [];
    this.live = false;
    this.feeding = false;
  }

  /** Where each segment starts on the video timeline (seconds), from durations or start times. */
  static estimateOffsets(segments, first = 0) {
    const offsets = [first];
    const known = segments.map((s) => s.durationSeconds).filter((d) => d > 0);
    const typical = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 2;
    for (let i = 0; i < segments.length; i++) {
      let duration = segments[i].durationSeconds;
      if (!(duration > 0) && i + 1 < segments.length) {
        duration = (Date.parse(segments[i + 1].start) - Date.parse(segments[i].start)) / 1000;
      }
      offsets.push(offsets[i] + (duration > 0 ? duration : typical));
    }
    return offsets;
  }

  get duration() {
    return this.offsets[this.offsets.length - 1];
  }

  /** The segment index holding video time t. */
  segmentAt(t) {
    for (let i = this.segments.length - 1; i > 0; i--) {
      if (t >= this.offsets[i]) return i;
    }
    return 0;
  }

  /** The wall-clock time (ms since the epoch) shown at video time t. */
  wallAt(t) {
    const index = this.segmentAt(t);
    return Date.parse(this.segments[index].start) + (t - this.offsets[index]) * 1000;
  }

  /**
   * The video time of a wall-clock instant (ms): inside a segment, that moment of it; in a gap,
   * the start of the next segment; after the last, its end.
   */
  timeAt(wallMs) {
    for (let i = 0; i < this.segments.length; i++) {
      const start = Date.parse(this.segments[i].start);
      const length = this.offsets[i + 1] - this.offsets[i];
      if (wallMs < start) return this.offsets[i];
      if (wallMs < start + length * 1000) return this.offsets[i] + (wallMs - start) / 1000;
    }
    return Math.max(0, this.duration - 0.05);
  }

  /** Prepares MSE with the codecs of the segment holding time t; rejects when this browser cannot play them. */
  async open(t = 0) {
    if (!window.MediaSource) throw new Error('This browser has no Media Source Extensions.');
    const index = this.segmentAt(t);
    const first = await this.fetchSegment(index);
    this.mime = SegmentPlayer.mimeOf(first);
    if (!MediaSource.isTypeSupported(this.mime)) throw new Error(`This browser cannot play ${this.mime}.`);
    this.mediaSource = new MediaSource();
    this.objectUrl = URL.createObjectURL(this.mediaSource);
    this.video.src = this.objectUrl;
    await once(this.mediaSource, 'sourceopen');
    this.buffer = this.mediaSource.addSourceBuffer(this.mime);
    this.buffer.mode = 'sequence';
    this.mediaSource.duration = this.duration;
    this.listen(this.video, 'seeking', () => this.onSeeking());
    this.listen(this.video, 'waiting', () => this.skipGap());
    this.listen(this.video, 'timeupdate', () => this.wake());
    this.prefetched = { index, bytes: first };
    this.buffer.timestampOffset = this.offsets[index];
    if (t > 0) {
      this.seekTarget = t;
      this.video.currentTime = t;
    }
    this.feed(this.generation, index);
    this.onState(`Ready: ${this.segments.length} segments, ${this.mime}`);
  }

  static mimeOf(bytes) {
    return `video/mp4; codecs="${codecs(bytes).join(', ')}"`;
  }

  /**
   * Adds segments recorded since (those starting after the last one known). While live, the
   * player waits at the end for them instead of ending.
   */
  extend(segments) {
    const last = this.segments.length ? Date.parse(this.segments[this.segments.length - 1].start) : -Infinity;
    const added = segments.filter((s) => Date.parse(s.start) > last);
    if (!added.length) return 0;
    const from = this.segments.length;
    const more = SegmentPlayer.estimateOffsets(added, this.duration);
    this.segments.push(...added);
    this.offsets.push(...more.slice(1));
    this.growDuration();
    if (this.buffer && !this.feeding) this.feed(this.generation, from);
    return added.length;
  }

  growDuration() {
    const source = this.mediaSource;
    if (source && source.readyState === 'open' && !this.buffer.updating && source.duration < this.duration) {
      source.duration = this.duration;
    }
  }

  listen(target, event, handler) {
    target.addEventListener(event, handler);
    this.listeners.push(() => target.removeEventListener(event, handler));
  }

  async fetchSegment(index) {
    if (this.prefetched && this.prefetched.index === index) {
      const { bytes } = this.prefetched;
      this.prefetched = null;
      return bytes;
    }
    // a network error or a busy server (storage restarting, a proxy's 502) is worth another try
    // after a growing wait; a 404 or a 403 is an answer
    for (let attempt = 0; ; attempt++) {
      let response = null;
      let failure = null;
      try {
        response = await fetch(this.segments[index].url, { credentials: 'same-origin' });
      } catch (error) {
        failure = error;
      }
      if (response && response.ok) return completePrefix(await response.arrayBuffer());
      if (response) {
        failure = new Error(`segment ${index}: HTTP ${response.status}`);
        if (response.status < 500 && !RETRIED_STATUS.has(response.status)) throw failure;
      }
      if (attempt >= FETCH_WAITS_MS.length) throw failure;
      this.onState(`Segment ${index + 1}: ${failure.message}; trying again`);
      await new Promise((resolve) => { setTimeout(resolve, FETCH_WAITS_MS[attempt]); });
    }
  }

  append(bytes) {
    return new Promise((resolve, reject) => {
      const done = () => { cleanup(); resolve(); };
      const failed = () => { cleanup(); reject(new Error('the browser refused the segment')); };
      const cleanup = () => {
        this.buffer.removeEventListener('updateend', done);
        this.buffer.removeEventListener('error', failed);
      };
      this.buffer.addEventListener('updateend', done);
      this.buffer.addEventListener('error', failed);
      this.buffer.appendBuffer(bytes);
    });
  }

  remove(start, end) {
    if (end <= start) return Promise.resolve();
    const done = once(this.buffer, 'updateend');
    this.buffer.remove(start, end);
    return done;
  }

  bufferedAhead() {
    const t = this.video.currentTime;
    const ranges = this.buffer.buffered;
    for (let i = 0; i < ranges.length; i++) {
      if (t >= ranges.start(i) - 0.5 && t <= ranges.end(i)) return ranges.end(i) - t;
    }
    return 0;
  }

  isBuffered(t) {
    const ranges = this.buffer.buffered;
    for (let i = 0; i < ranges.length; i++) {
      if (t >= ranges.start(i) && t < ranges.end(i)) return true;
    }
    return false;
  }

  wake() {
    if (this.waker) {
      const resolve = this.waker;
      this.waker = null;
      resolve();
    }
  }

  /** A session recorded with other codec parameters needs the buffer switched to them. */
  switchCodecsFor(bytes) {
    const mime = SegmentPlayer.mimeOf(bytes);
    if (mime !== this.mime && typeof this.buffer.changeType === 'function' && MediaSource.isTypeSupported(mime)) {
      this.buffer.changeType(mime);
      this.mime = mime;
    }
  }

  /** Appends segments from index on, staying AHEAD_SECONDS ahead; stops when a seek restarts it. */
  async feed(generation, index) {
    this.feeding = true;
    try {
      for (let i = index; i < this.segments.length; i++) {
        while (generation === this.generation && this.bufferedAhead() > AHEAD_SECONDS) {
          await new Promise((resolve) => { this.waker = resolve; });
        }
        if (generation !== this.generation) return;
        this.onState(`Loading segment ${i + 1} of ${this.segments.length}`);
        const bytes = await this.fetchSegment(i);
        if (generation !== this.generation) return;
        await this.trimBehind();
        if (generation !== this.generation) return;
        this.switchCodecsFor(bytes);
        await this.append(bytes);
        if (generation !== this.generation) return;
        if (this.seekTarget !== null && i === this.segmentAt(this.seekTarget)) this.seekTarget = null;
        const ranges = this.buffer.buffered;
        if (ranges.length && i + 1 < this.offsets.length) {
          // the real end of what was appended beats the estimate from the catalogue
          const end = ranges.end(ranges.length - 1);
          const shift = end - this.offsets[i + 1];
          for (let k = i + 1; k < this.offsets.length; k++) this.offsets[k] += shift;
        }
        this.growDuration();
      }
      if (generation === this.generation && this.live) {
        this.onState('Every finished segment is loaded; the next follows when it is recorded');
      } else if (generation === this.generation && this.mediaSource.readyState === 'open') {
        this.mediaSource.endOfStream();
        this.onState('All segments loaded');
      }
    } catch (error) {
      if (generation === this.generation) this.onState(`Playback stopped: ${error.message}`);
    } finally {
      if (generation === this.generation) this.feeding = false;
    }
  }

  async trimBehind() {
    const cut = this.video.currentTime - BEHIND_SECONDS;
    const ranges = this.buffer.buffered;
    if (ranges.length && cut > ranges.start(0) + 1) await this.remove(ranges.start(0), cut);
  }

  /** Chrome stalls at a small gap between two segments; step over it. */
  skipGap() {
    const t = this.video.currentTime;
    const ranges = this.buffer.buffered;
    for (let i = 0; i < ranges.length; i++) {
      if (ranges.start(i) > t && ranges.start(i) - t < 1) {
        this.video.currentTime = ranges.start(i) + 0.001;
        return;
      }
    }
  }

  onSeeking() {
    const t = this.video.currentTime;
    const ownSeek = this.seekTarget !== null && this.segmentAt(t) === this.segmentAt(this.seekTarget);
    if (ownSeek || this.isBuffered(t)) {
      // our own currentTime change, or data already there: let the current feed go on
      this.wake();
      return;
    }
    this.seek(t);
  }

  /** Moves playback to video time t (seconds), loading from the segment that holds it. */
  async seek(t) {
    const target = Math.max(0, Math.min(t, this.duration - 0.05));
    if (this.isBuffered(target)) {
      this.video.currentTime = target;
      return;
    }
    const generation = ++this.generation;
    this.seekTarget = target;
    this.wake();
    // remove() reopens an 'ended' MediaSource by itself; abort() drops a half-parsed append
    if (this.buffer.updating) this.buffer.abort();
    if (this.buffer.buffered.length) await this.remove(0, Infinity);
    if (generation !== this.generation) return;
    const index = this.segmentAt(target);
    this.buffer.timestampOffset = this.offsets[index];
    this.video.currentTime = target;
    this.feed(generation, index);
  }

  /** Moves playback to a wall-clock instant (ms since the epoch). */
  seekWall(wallMs) {
    return this.seek(this.timeAt(wallMs));
  }

  destroy() {
    this.generation++;
    this.wake();
    this.listeners.forEach((remove) => remove());
    this.video.removeAttribute('src');
    this.video.load();
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
  }
}
