/**
 * Fragmented MP4, the container of the recorder's segments: what is where in a segment file, and
 * wall-clock ranges cut from consecutive segments for playback (MediaMTX's {@code /get}), HLS
 * playlists and thumbnails. Self-contained: JDK only, no other package of the project, so every
 * stage may use it.
 *
 * <ul>
 *   <li>{@link io.github.mediamtxvod.mp4.SegmentSource}: ranged reads of one segment file
 *       ({@link io.github.mediamtxvod.mp4.FileSegmentSource} for local files).
 *   <li>{@link io.github.mediamtxvod.mp4.FragmentIndex}: what is where in a segment, read from box
 *       headers and moofs; serialisable for the catalogue.
 *   <li>{@link io.github.mediamtxvod.mp4.PlaybackMuxer}: a wall-clock range of consecutive segments
 *       as fMP4 (streamed) or plain MP4 (moov first).
 *   <li>{@link io.github.mediamtxvod.mp4.KeyframeLocator}: the keyframe nearest an instant, and a
 *       one-frame fMP4 of it for a thumbnail.
 * </ul>
 *
 * <p>Input is what the recorder's FFmpeg writes: ftyp, a moov with empty sample tables and an mvex,
 * then moof+mdat pairs (H.264/H.265, AAC/Opus/MP3), possibly cut off mid-fragment by a crash.
 */
package io.github.mediamtxvod.mp4;
