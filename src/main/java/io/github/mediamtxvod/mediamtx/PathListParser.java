package io.github.mediamtxvod.mediamtx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one page of {@code GET /v3/paths/list} (schema {@code PathList} of MediaMTX's OpenAPI)
 * and the answer of {@code GET /v3/paths/get/{name}} (schema {@code Path}).
 * The JSON is untrusted: unknown fields are ignored; a page whose shape is wrong fails as a
 * whole; an item whose name is unusable or whose fields have the wrong JSON type is skipped and
 * logged once per distinct name (not on every poll), and the other items still count.
 *
 * <p>Thread-safe.
 */
final class PathListParser {
    private static final Logger log = LoggerFactory.getLogger(PathListParser.class);

    /** Bounds the memory a server sending ever new broken names can make us spend. */
    static final int MAX_REPORTED_ITEMS = 1_000;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // a body with trailing garbage is a broken answer, not a valid one plus noise
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** A page: its usable items in server order, the page count, and the raw item count. */
    record Page(List<MediaMtxPath> paths, long pageCount, int itemCount) {}

    /**
     * Parses a page body. {@code source} names the request in messages.
     *
     * @throws MediaMtxException ({@link MediaMtxException.Reason#INVALID_ANSWER}) when the body
     *     is not JSON or not a {@code PathList}
     */
    Page parse(byte[] body, String source) throws MediaMtxException {
        JsonNode root = readTree(body, source);
        if (root == null || !root.isObject()) {
            throw invalid(source, "the answer is not a JSON object");
        }
        long pageCount = pageCount(root.get("pageCount"), source);
        JsonNode items = root.get("items");
        if (items == null || items.isNull()) {
            // Go encodes an empty slice that was never allocated as null
            return new Page(List.of(), pageCount, 0);
        }
        if (!items.isArray()) {
            throw invalid(source, "'items' is not an array but " + items.getNodeType());
        }
        List<MediaMtxPath> paths = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            try {
                paths.add(parseItem(item));
            } catch (RejectedItem e) {
                reportOnce(e);
            }
        }
        return new Page(paths, pageCount, items.size());
    }

    /**
     * Reads the answer of {@code GET /v3/paths/get/{name}} (schema {@code Path}).
     *
     * @throws MediaMtxException ({@link MediaMtxException.Reason#INVALID_ANSWER}) when the body
     *     is not a usable path named {@code expectedName}
     */
    MediaMtxPath parsePath(byte[] body, String expectedName, String source) throws MediaMtxException {
        JsonNode root = readTree(body, source);
        if (root == null || !root.isObject()) {
            throw invalid(source, "the answer is not a JSON object");
        }
        MediaMtxPath path;
        try {
            path = parseItem(root);
        } catch (RejectedItem e) {
            throw invalid(source, e.label() + ": " + e.getMessage());
        }
        if (!path.name().equals(expectedName)) {
            throw invalid(source, "it describes path '" + printable(path.name(), 100) + "'");
        }
        return path;
    }

    private static JsonNode readTree(byte[] body, String source) throws MediaMtxException {
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MediaMtxException(
                    MediaMtxException.Reason.INVALID_ANSWER,
                    source + " returned invalid JSON: " + printable(e.getOriginalMessage(), 200),
                    e);
        } catch (IOException e) {
            throw new MediaMtxException(
                    MediaMtxException.Reason.INVALID_ANSWER,
                    source + " returned an unreadable body: " + printable(e.getMessage(), 200),
                    e);
        }
    }

    private static long pageCount(JsonNode node, String source) throws MediaMtxException {
        if (node == null || node.isNull()) {
            // not sent by any v3 server; read what we got as the only page
            return 1;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw invalid(source, "'pageCount' is not a non-negative integer: "
                    + printable(node.toString(), 40));
        }
        return node.longValue();
    }

    private static MediaMtxException invalid(String source, String problem) {
        return new MediaMtxException(
                MediaMtxException.Reason.INVALID_ANSWER,
                source + " returned an unexpected answer: " + problem);
    }

    private static MediaMtxPath parseItem(JsonNode item) throws RejectedItem {
        if (!item.isObject()) {
            throw new RejectedItem(null, null,
                    "the item is not a JSON object but " + printable(item.toString(), 40));
        }
        String name = name(item.get("name"));
        Boolean available = optionalBoolean(item, "available", name);
        Boolean ready = optionalBoolean(item, "ready", name);
        Boolean online = optionalBoolean(item, "online", name);
        // v1.16+ sends available; older servers only ready. online=false with available=true is
        // the always-available filler: nobody publishes, so there is nothing to record.
        boolean live = (available != null ? available : Boolean.TRUE.equals(ready))
                && !Boolean.FALSE.equals(online);
        Instant since = time(item, "availableTime", name);
        if (since == null) {
            since = time(item, "readyTime", name);
        }
        return new MediaMtxPath(
                name, live, codecs(item, name), live ? since : null, sourceType(item, name));
    }

    private static String name(JsonNode node) throws RejectedItem {
        if (node == null || node.isNull()) {
            throw new RejectedItem(null, null, "the item has no name");
        }
        if (!node.isTextual()) {
            throw new RejectedItem(null, node, "the name is not a string");
        }
        String name = node.textValue();
        if (name.isBlank()) {
            throw new RejectedItem(null, node, "the name is blank");
        }
        if (hasUnsafeCharacter(name)) {
            throw new RejectedItem(
                    null, node, "the name contains control or invisible formatting characters");
        }
        return name;
    }

    /** Control, format (bidi overrides, zero-width) and separator characters, lone surrogates. */
    static boolean hasUnsafeCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isUnsafeAt(text, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnsafeAt(String text, int index) {
        char c = text.charAt(index);
        if (Character.isHighSurrogate(c)) {
            return index + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(index + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return index == 0 || !Character.isHighSurrogate(text.charAt(index - 1));
        }
        int type = Character.getType(c);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static Boolean optionalBoolean(JsonNode item, String field, String name)
            throws RejectedItem {
        JsonNode node = item.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw wrongType(name, field, "a boolean", node);
        }
        return node.booleanValue();
    }

    private static Instant time(JsonNode item, String field, String name) throws RejectedItem {
        JsonNode node = item.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(name, field, "a string", node);
        }
        try {
            // Go writes RFC 3339 with the server's zone offset and up to 9 fraction digits
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(node.textValue(), Instant::from);
        } catch (DateTimeParseException e) {
            // the time is only shown to people; not worth dropping a live stream for
            log.debug("{} - unreadable {} {}", name, field, printable(node.textValue(), 60));
            return null;
        }
    }

    private static List<String> codecs(JsonNode item, String name) throws RejectedItem {
        JsonNode tracks2 = item.get("tracks2");
        if (tracks2 != null && !tracks2.isNull()) {
            if (!tracks2.isArray()) {
                throw wrongType(name, "tracks2", "an array", tracks2);
            }
            List<String> codecs = new ArrayList<>(tracks2.size());
            for (JsonNode track : tracks2) {
                JsonNode codec = track.isObject() ? track.get("codec") : null;
                if (codec == null || !codec.isTextual()) {
                    throw wrongType(name, "tracks2[].codec", "a string", track);
                }
                codecs.add(codec.textValue());
            }
            return codecs;
        }
        JsonNode tracks = item.get("tracks");
        if (tracks == null || tracks.isNull()) {
            return List.of();
        }
        if (!tracks.isArray()) {
            throw wrongType(name, "tracks", "an array", tracks);
        }
        List<String> codecs = new ArrayList<>(tracks.size());
        for (JsonNode codec : tracks) {
            if (!codec.isTextual()) {
                throw wrongType(name, "tracks[]", "a string", codec);
            }
            codecs.add(codec.textValue());
        }
        return codecs;
    }

    private static String sourceType(JsonNode item, String name) throws RejectedItem {
        JsonNode source = item.get("source");
        if (source == null || source.isNull()) {
            return null;
        }
        if (!source.isObject()) {
            throw wrongType(name, "source", "an object", source);
        }
        JsonNode type = source.get("type");
        if (type == null || type.isNull()) {
            return null;
        }
        if (!type.isTextual()) {
            throw wrongType(name, "source.type", "a string", type);
        }
        return type.textValue();
    }

    private static RejectedItem wrongType(
            String name, String field, String expected, JsonNode got) {
        return new RejectedItem(name, null, "'" + field + "' is not " + expected + " but "
                + printable(got.toString(), 40));
    }

    private void reportOnce(RejectedItem rejected) {
        if (reported.size() >= MAX_REPORTED_ITEMS || !reported.add(rejected.key())) {
            log.debug("{} - skipped: {}", rejected.label(), rejected.getMessage());
            return;
        }
        log.warn("{} - skipped, it will not be recorded: {} (reported once per name)",
                rejected.label(), rejected.getMessage());
    }

    /**
     * {@code text} made safe for one log line or message: control, format and separator
     * characters and lone surrogates become backslash-u escapes, and it is cut after about {@code
     * maxLength} characters.
     */
    static String printable(String text, int maxLength) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 24);
        int i = 0;
        for (; i < text.length() && out.length() < maxLength; i++) {
            char c = text.charAt(i);
            if (isUnsafeAt(text, i)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length()) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    /** An item that cannot be used; cheap (no stack trace), never leaves this class. */
    private static final class RejectedItem extends Exception {
        private static final long serialVersionUID = 1L;

        private final String key;
        private final String label;

        RejectedItem(String name, JsonNode rawName, String problem) {
            super(problem, null, false, false);
            String text = name != null ? name
                    : rawName == null ? null
                    : rawName.isTextual() ? rawName.textValue()
                    : rawName.toString();
            if (text == null) {
                this.key = "";
                this.label = "MediaMTX path without a name";
            } else {
                // the full text would let a hostile server fill the set with huge keys
                this.key = text.length() <= 200
                        ? text
                        : text.substring(0, 200) + "#" + text.length() + "#" + text.hashCode();
                this.label = name != null || rawName.isTextual()
                        ? "'" + printable(text, 100) + "'"
                        : "MediaMTX path with name " + printable(text, 100);
            }
        }

        String key() {
            return key;
        }

        String label() {
            return label;
        }
    }
}
