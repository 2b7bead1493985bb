package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A path below RECORDINGS_DIR taken from a URL, checked so that it can only ever name something
 * inside that folder.
 *
 * <p>The raw (still percent-encoded) path is decoded exactly once, and each decoded segment must be
 * a plain name: ASCII letters, digits, space and {@code ._~+,=@()&'-}, not starting with a dot or a
 * space, at most 255 characters (the recorder itself writes only {@code [A-Za-z0-9._~-]}). That
 * refuses, before any file system call: {@code ..} and {@code .} in every
 * encoding, double encoding ({@code %252e} decodes to {@code %2e}, and {@code %} is not allowed),
 * backslashes, NUL and control characters, encoded slashes, drive letters, empty segments ({@code
 * //}, absolute paths) and every non-ASCII character (no Unicode look-alikes). Names starting with
 * a dot are hidden files ({@code .session.json}, {@code .segments.csv}, {@code .vod-recorder/}):
 * never listed, never served. Symbolic links are followed only when their target stays inside
 * RECORDINGS_DIR ({@link #resolveExisting}).
 *
 * @param segments the decoded names, none empty
 * @param trailingSlash whether the URL path ended with '/'
 */
record RecordingPath(List<String> segments, boolean trailingSlash) {
    /** Letters, digits and a few harmless marks; never a dot or a space first. */
    private static final String FIRST = "-A-Za-z0-9_~+,=@()&'";
    private static final Pattern NAME = Pattern.compile("[" + FIRST + "][" + FIRST + ". ]{0,254}");
    private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9._~-]*");
    private static final Pattern UNRESERVED_PATH = Pattern.compile("[A-Za-z0-9._~/-]*");
    private static final Pattern HIDDEN_NAME = Pattern.compile("\\.[" + FIRST + "][" + FIRST + ". ]{0,253}");

    RecordingPath {
        segments = List.copyOf(segments);
    }

    /**
     * Parses the raw URL path below the mount point (no leading '/'; may be empty for the root).
     *
     * @throws HttpProblem 400 for a malformed or forbidden path, 404 for a hidden (dot) name
     */
    static RecordingPath parse(String rawRelative) {
        if (rawRelative.isEmpty()) {
            return new RecordingPath(List.of(), true);
        }
        boolean trailingSlash = rawRelative.endsWith("/");
        String body = trailingSlash ? rawRelative.substring(0, rawRelative.length() - 1) : rawRelative;
        List<String> names = new ArrayList<>();
        for (String rawName : body.split("/", -1)) {
            String name = decode(rawName);
            if (HIDDEN_NAME.matcher(name).matches()) {
                throw HttpProblem.notFound();
            }
            if (!NAME.matcher(name).matches()) {
                throw HttpProblem.badRequest("invalid path");
            }
            names.add(name);
        }
        return new RecordingPath(names, trailingSlash);
    }

    /** Whether a directory entry may be listed and served: the same rule as a URL segment. */
    static boolean isVisibleName(String fileName) {
        return NAME.matcher(fileName).matches();
    }

    /** The names joined with '/', as used in S3 keys and API paths. */
    String relative() {
        return String.join("/", segments);
    }

    /** Percent-encodes a name for a URL path: every byte outside {@code [A-Za-z0-9._~-]}. */
    static String encode(String name) {
        if (UNRESERVED.matcher(name).matches()) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '~' || c == '-';
            if (plain) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** A '/'-separated relative path made into a URL path, each name encoded. */
    static String encodePath(String relativePath) {
        if (UNRESERVED_PATH.matcher(relativePath).matches()) {
            return relativePath;
        }
        StringBuilder out = new StringBuilder(relativePath.length() + 8);
        for (String name : relativePath.split("/", -1)) {
            out.append(out.isEmpty() ? "" : "/").append(encode(name));
        }
        return out.toString();
    }

    /** The path under {@code root}; lexically always inside it, as every name is plain. */
    Path under(Path root) {
        Path path = root;
        for (String name : segments) {
            path = path.resolve(name);
        }
        return path;
    }

    /**
     * The real path of this file or folder when it exists and its real location (symbolic links
     * resolved) is inside {@code realRoot}; null when it does not exist or escapes.
     */
    Path resolveExisting(Path realRoot) throws IOException {
        Path lexical = under(realRoot);
        if (!Files.exists(lexical, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            Path real = lexical.toRealPath();
            return real.startsWith(realRoot) ? real : null;
        } catch (NoSuchFileException e) {
            // a dangling symbolic link
            return null;
        }
    }

    /** Percent-decodes one segment strictly: a bad escape or invalid UTF-8 is a 400. */
    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        byte[] out = new byte[raw.length()];
        int length = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw HttpProblem.badRequest("invalid path");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw HttpProblem.badRequest("invalid path");
                }
                out[length++] = (byte) (high * 16 + low);
                i += 2;
            } else if (c < 0x80) {
                out[length++] = (byte) c;
            } else {
                throw HttpProblem.badRequest("invalid path");
            }
        }
        // any byte that is not plain ASCII fails the name check later; no need to validate UTF-8
        return new String(out, 0, length, UTF_8);
    }
}
