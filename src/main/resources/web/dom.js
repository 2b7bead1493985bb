// Shared DOM and formatting helpers. Every text from the server goes in through textContent or
// attribute setters (never as HTML), so names and error messages cannot inject markup.

export function el(tag, attributes, ...children) {
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

export function bytes(value) {
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

export function seconds(value) {
  if (value === null || value === undefined) return '–';
  const s = Math.round(value);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m) return `${m}m ${String(rest).padStart(2, '0')}s`;
  return `${value < 10 ? Number(value).toFixed(1) : rest}s`;
}

export function utc(iso) {
  if (!iso) return '–';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC');
}

export function clock(iso) {
  return iso ? iso.substring(11, 19) : '–';
}

// Local time: the browser's time zone, with the zone's short name; UTC goes into the title (hover).

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** The short name of the browser's time zone at an instant, e.g. CEST or UTC. */
export function zoneName(date) {
  const part = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part ? part.value : '';
}

/** YYYY-MM-DD of a Date in the browser's time zone. */
export function localDay(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** HH:MM:SS of a Date in the browser's time zone (with tenths when asked). */
export function localClock(date, tenths) {
  const text = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return tenths ? `${text}.${Math.floor(date.getMilliseconds() / 100)}` : text;
}

/** "YYYY-MM-DD HH:MM:SS ZONE" in the browser's time zone, from an ISO string or a Date. */
export function local(value) {
  if (!value) return '–';
  const date = value instanceof Date ? value : new Date(value);
  return `${localDay(date)} ${localClock(date)} ${zoneName(date)}`.trim();
}

/** A <time> element showing local time, with UTC on hover. */
export function timeEl(iso, text, attributes) {
  return el('time', { datetime: iso, title: utc(iso), ...(attributes || {}) }, text === undefined ? local(iso) : text);
}

/**
 * Reads a moment typed by a person: local time ("2024-05-01 14:10", "14:10:30" on the day
 * given, "2024-05-01T14:10") or UTC ("...Z", "... UTC", "+02:00"). Returns ms since the epoch,
 * or NaN when it cannot be read.
 */
export function parseMoment(text, day) {
  const value = String(text || '').trim().replace(/\s+/g, ' ');
  let match = value.match(/^(\d{4}-\d{2}-\d{2})?[ T]?(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3}))?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i);
  if (!match) {
    match = value.match(/^(\d{4}-\d{2}-\d{2})$/);
    return match ? parseMoment(`${match[1]} 00:00`, day) : NaN;
  }
  const [, date, h, m, sec, ms, zone] = match;
  const dayText = date || day;
  if (!dayText || Number(h) > 23 || Number(m) > 59 || Number(sec || 0) > 59) return NaN;
  const [y, mo, d] = dayText.split('-').map(Number);
  const millis = Number((ms || '0').padEnd(3, '0'));
  if (!zone) return new Date(y, mo - 1, d, Number(h), Number(m), Number(sec || 0), millis).getTime();
  const utcMs = Date.UTC(y, mo - 1, d, Number(h), Number(m), Number(sec || 0), millis);
  if (/^(Z|UTC|GMT)$/i.test(zone)) return utcMs;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return utcMs - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
}

export function ago(iso, now) {
  if (!iso) return '';
  return `${seconds((Date.parse(now) - Date.parse(iso)) / 1000)} ago`;
}

export function badge(text, kind) {
  return el('span', { class: `badge ${kind || ''}` }, text);
}

export async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

export function show(section) {
  for (const id of ['dashboard', 'browser', 'timeline-view']) document.getElementById(id).hidden = id !== section;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

export function replace(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c));
}

export function table(headers, rows, className) {
  return el('table', { class: `data ${className || ''}` },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { class: h.startsWith('#') ? 'num' : '' }, h.replace(/^#/, ''))))),
    el('tbody', {}, rows));
}

export function banner(text) {
  const node = document.getElementById('banner');
  node.textContent = text || '';
  node.hidden = !text;
}

