package io.github.mediamtxvod.web;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The HTML index of one folder below RECORDINGS_DIR, in the manner of nginx's autoindex: folders
 * first, then files, each group sorted by name, with the modification time (UTC) and the exact size
 * in bytes. Hidden (dot) entries, names the URL rules would refuse and symbolic links that lead out
 * of RECORDINGS_DIR are left out. Every name is HTML-escaped.
 */
final class DirectoryListing {
    private static final String VERSION = WebServer.version();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private DirectoryListing() {}

    /** One listed entry. */
    record Entry(String name, boolean directory, long size, Instant modified) {}

    /** The visible entries of {@code directory} (a real path inside {@code realRoot}), sorted. */
    static List<Entry> read(Path directory, Path realRoot) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                if (!RecordingPath.isVisibleName(name)) {
                    continue;
                }
                Entry entry = entry(child, name, realRoot);
                if (entry != null) {
                    entries.add(entry);
                }
            }
        }
        entries.sort(Comparator.comparing((Entry e) -> !e.directory()).thenComparing(Entry::name));
        return entries;
    }

    private static Entry entry(Path child, String name, Path realRoot) throws IOException {
        try {
            if (Files.isSymbolicLink(child) && !child.toRealPath().startsWith(realRoot)) {
                return null;
            }
            BasicFileAttributes attributes = Files.readAttributes(child, BasicFileAttributes.class);
            return new Entry(
                    name, attributes.isDirectory(), attributes.size(), attributes.lastModifiedTime().toInstant());
        } catch (NoSuchFileException e) {
            // deleted meanwhile (retention), or a dangling link
            return null;
        }
    }

    /** The page for URL path {@code urlPath} (ending in '/'). */
    static String render(String urlPath, List<Entry> entries, boolean hasParent) {
        String title = "Index of " + escape(urlPath);
        StringBuilder html = new StringBuilder(512 + entries.size() * 160);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(title).append("</title>")
                .append("<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">")
                .append("<link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\n")
                .append("<body class=\"listing\"><header class=\"topbar\"><a class=\"brand\" href=\"/\">vod-recorder</a>")
                .append("<nav><a href=\"/#/\">Dashboard</a><a href=\"/#/timeline\">Timeline</a>")
                .append("<a href=\"/#/recordings\">Recordings</a>")
                .append("<a href=\"/recordings/\" aria-current=\"page\">Files</a></nav>")
                .append("<span id=\"version\" class=\"muted\">v").append(escape(VERSION)).append("</span></header>\n")
                .append("<main><h1>").append(title).append("</h1>\n<table class=\"index\"><thead><tr>")
                .append("<th>Name</th><th>Last modified (UTC)</th><th class=\"num\">Size (bytes)</th>")
                .append("</tr></thead><tbody>\n");
        if (hasParent) {
            html.append("<tr><td><a href=\"../\">../</a></td><td></td><td class=\"num\">-</td></tr>\n");
        }
        for (Entry entry : entries) {
            String slash = entry.directory() ? "/" : "";
            html.append("<tr><td><a href=\"").append(escape(RecordingPath.encode(entry.name()))).append(slash)
                    .append("\">").append(escape(entry.name())).append(slash).append("</a></td><td>")
                    .append(TIME.format(entry.modified())).append("</td><td class=\"num\">")
                    .append(entry.directory() ? "-" : Long.toString(entry.size()))
                    .append("</td></tr>\n");
        }
        return html.append("</tbody></table></main></body></html>\n").toString();
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
