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
  for (const id of ['dashboard', 'browser']) document.getElementById(id).hidden = id !== section;
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

