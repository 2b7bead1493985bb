/**
 * Playback of recorded segments, as MediaMTX's playback server answers {@code /get}, plus what HLS
 * playlists and thumbnails need. Self-contained: JDK only, no other package of the project.
 *
 * <ul>
 *   <li>{@link io.github.mediamtxvod.playback.SegmentSource}: ranged reads of one segment file
 *       ({@link io.github.mediamtxvod.playback.FileSegmentSource} for local files).
 *   <li>{@link io.github.mediamtxvod.playback.FragmentIndex}: what is where in a segment, read from box
 *       headers and moofs; serialisable for the catalogue.
 *   <li>{@link io.github.mediamtxvod.playback.PlaybackMuxer}: a wall-clock range of consecutive segments
 *       as fMP4 (streamed) or plain MP4 (moov first).
 *   <li>{@link io.github.mediamtxvod.playback.KeyframeLocator}: the keyframe nearest an instant, and a
 *       one-frame fMP4 of it for a thumbnail.
 * </ul>
 *
 * <p>Input is what the recorder's FFmpeg writes: ftyp, a moov with empty sample tables and an mvex,
 * then moof+mdat pairs (H.264/H.265, AAC/Opus/MP3), possibly cut off mid-fragment by a crash.
 */
package io.github.mediamtxvod.playback;
