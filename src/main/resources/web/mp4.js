// Minimal ISO BMFF (MP4) reading for the session player: where the complete top-level boxes end,
// and the RFC 6381 codec string of each track, read from the init segment (ftyp + moov).

function fourcc(view, offset) {
  return String.fromCharCode(
    view.getUint8(offset), view.getUint8(offset + 1), view.getUint8(offset + 2), view.getUint8(offset + 3));
}

/** The boxes in bytes [start, end) of a DataView: {type, start, end, body} with body the payload start. */
function boxes(view, start, end) {
  const found = [];
  let offset = start;
  while (offset + 8 <= end) {
    let size = view.getUint32(offset);
    const type = fourcc(view, offset + 4);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) break;
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header) break;
    found.push({ type, start: offset, end: offset + size, body: offset + header, complete: offset + size <= end });
    if (offset + size > end) break;
    offset += size;
  }
  return found;
}

/**
 * The prefix of a segment file that MSE can take whole: up to the end of the last complete
 * 'mdat' (or of the 'moov' when no fragment is complete yet). A file still being recorded, or cut
 * off by a crash, ends in a partial fragment; dropping it keeps the next file's init segment
 * parseable.
 */
export function completePrefix(buffer) {
  const view = new DataView(buffer);
  let keep = 0;
  for (const box of boxes(view, 0, view.byteLength)) {
    if (!box.complete) break;
    if (box.type === 'mdat' || box.type === 'moov') keep = box.end;
  }
  return keep === view.byteLength ? buffer : buffer.slice(0, keep);
}

function find(view, start, end, path) {
  for (const box of boxes(view, start, end)) {
    if (box.type !== path[0] || !box.complete) continue;
    if (path.length === 1) return box;
    const inner = find(view, box.body, box.end, path.slice(1));
    if (inner) return inner;
  }
  return null;
}

function hex2(value) {
  return value.toString(16).padStart(2, '0');
}

function avc(view, entry, type) {
  const config = find(view, entry.body + 78, entry.end, ['avcC']);
  if (!config) return null;
  const b = config.body;
  const hex = (offset) => hex2(view.getUint8(b + offset)).toUpperCase();
  return `${type}.${hex(1)}${hex(2)}${hex(3)}`;
}

function hevc(view, entry, type) {
  const config = find(view, entry.body + 78, entry.end, ['hvcC']);
  if (!config) return null;
  const b = config.body;
  const first = view.getUint8(b + 1);
  const space = ['', 'A', 'B', 'C'][first >> 6];
  const tier = (first & 0x20) ? 'H' : 'L';
  const profile = first & 0x1f;
  let compat = view.getUint32(b + 2);
  let reversed = 0;
  for (let i = 0; i < 32; i++) {
    reversed = (reversed << 1) | (compat & 1);
    compat >>>= 1;
  }
  const constraints = [];
  for (let i = 0; i < 6; i++) constraints.push(view.getUint8(b + 6 + i));
  while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = view.getUint8(b + 12);
  const tail = constraints.map((c) => '.' + c.toString(16).toUpperCase()).join('');
  return `${type}.${space}${profile}.${(reversed >>> 0).toString(16).toUpperCase()}.${tier}${level}${tail}`;
}

function av1(view, entry) {
  const config = find(view, entry.body + 78, entry.end, ['av1C']);
  if (!config) return null;
  const b = config.body;
  const profile = view.getUint8(b + 1) >> 5;
  const level = view.getUint8(b + 1) & 0x1f;
  const flags = view.getUint8(b + 2);
  const tier = (flags & 0x80) ? 'H' : 'M';
  const depth = (flags & 0x40) ? ((flags & 0x20) ? 12 : 10) : 8;
  return `av01.${profile}.${String(level).padStart(2, '0')}${tier}.${String(depth).padStart(2, '0')}`;
}

function vp9(view, entry) {
  const config = find(view, entry.body + 78, entry.end, ['vpcC']);
  if (!config) return null;
  const b = config.body + 4;
  const depth = view.getUint8(b + 2) >> 4;
  const two = (value) => String(value).padStart(2, '0');
  return `vp09.${two(view.getUint8(b))}.${two(view.getUint8(b + 1))}.${two(depth)}`;
}

/** Reads an MPEG-4 descriptor length (1 to 4 bytes, 7 bits each). */
function descriptorLength(view, offset) {
  let length = 0;
  let i = 0;
  for (; i < 4; i++) {
    const byte = view.getUint8(offset + i);
    length = (length << 7) | (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  return { length, size: i + 1 };
}

function aac(view, entry) {
  const esds = find(view, entry.body + 28, entry.end, ['esds']);
  if (!esds) return 'mp4a.40.2';
  let p = esds.body + 4;
  if (view.getUint8(p) !== 0x03) return 'mp4a.40.2';
  p += 1 + descriptorLength(view, p + 1).size;
  const flags = view.getUint8(p + 2);
  p += 3;
  if (flags & 0x80) p += 2;
  if (flags & 0x40) p += 1 + view.getUint8(p);
  if (flags & 0x20) p += 2;
  if (view.getUint8(p) !== 0x04) return 'mp4a.40.2';
  p += 1 + descriptorLength(view, p + 1).size;
  const objectType = view.getUint8(p);
  if (objectType !== 0x40) return `mp4a.${hex2(objectType)}`;
  p += 13;
  if (view.getUint8(p) !== 0x05) return 'mp4a.40.2';
  p += 1 + descriptorLength(view, p + 1).size;
  let audioObjectType = view.getUint8(p) >> 3;
  if (audioObjectType === 31) {
    audioObjectType = 32 + (((view.getUint8(p) & 0x07) << 3) | (view.getUint8(p + 1) >> 5));
  }
  return `mp4a.40.${audioObjectType}`;
}

/** The codec strings of every track of an init segment, e.g. ['avc1.64001F', 'mp4a.40.2']. */
export function codecs(buffer) {
  const view = new DataView(buffer);
  const moov = find(view, 0, view.byteLength, ['moov']);
  if (!moov) throw new Error('no moov box: not a fragmented MP4 segment');
  const result = [];
  for (const trak of boxes(view, moov.body, moov.end).filter((b) => b.type === 'trak' && b.complete)) {
    const stsd = find(view, trak.body, trak.end, ['mdia', 'minf', 'stbl', 'stsd']);
    if (!stsd) continue;
    const entry = boxes(view, stsd.body + 8, stsd.end)[0];
    if (!entry) continue;
    const codec = codecOf(view, entry);
    if (codec) result.push(codec);
  }
  if (!result.length) throw new Error('no track with a known codec');
  return result;
}

function codecOf(view, entry) {
  switch (entry.type) {
    case 'avc1':
    case 'avc3':
      return avc(view, entry, entry.type);
    case 'hvc1':
    case 'hev1':
      return hevc(view, entry, entry.type);
    case 'av01':
      return av1(view, entry);
    case 'vp09':
      return vp9(view, entry);
    case 'mp4a':
      return aac(view, entry);
    case 'Opus':
      return 'opus';
    case 'fLaC':
      return 'flac';
    case 'ac-3':
      return 'ac-3';
    case 'ec-3':
      return 'ec-3';
    default:
      return null;
  }
}
