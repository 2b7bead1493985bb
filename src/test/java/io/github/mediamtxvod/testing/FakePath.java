package io.github.mediamtxvod.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One path as {@link FakeMediaMtx} lists it; immutable. Build with {@link
 * FakeMediaMtx#path(String)}.
 *
 * @param state live, not ready, or alwaysAvailable filler
 * @param codecs track codecs by their {@code PathTrackCodec} names
 * @param sourceType the {@code PathSourceType} while live
 * @param since when the path became available (and online)
 * @param readerTypes a {@code PathReaderType} per reader while live
 * @param oldServer answer like MediaMTX before v1.16: no {@code available}, {@code
 *     availableTime}, {@code online}, {@code onlineTime}
 * @param withoutTracks2 leave out {@code tracks2}, so that only the deprecated {@code tracks}
 *     names the codecs
 * @param extraFields properties appended to the item (unknown-field tests), or replacing a
 *     standard one with a value of any type (hostile-answer tests)
 */
public record FakePath(
        String name,
        String confName,
        State state,
        List<String> codecs,
        String sourceType,
        Instant since,
        List<String> readerTypes,
        boolean oldServer,
        boolean withoutTracks2,
        Map<String, Object> extraFields) {

    /** Where a path stands. */
    public enum State {
        /** A publisher is connected: available, online. */
        LIVE,
        /** A configured path nobody publishes to: not available, no source. */
        NOT_READY,
        /** alwaysAvailable filler: available but not online, no source. */
        FILLER
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public FakePath {
        requireNonNull(name, "name is null");
        requireNonNull(confName, "confName is null");
        requireNonNull(state, "state is null");
        codecs = List.copyOf(codecs);
        requireNonNull(sourceType, "sourceType is null");
        requireNonNull(since, "since is null");
        readerTypes = List.copyOf(readerTypes);
        // unmodifiable but ordered and null-friendly: a JSON null is a fair extra value
        extraFields = Collections.unmodifiableMap(new LinkedHashMap<>(extraFields));
    }

    /** A builder; defaults: live, H264, published over RTSP, no readers. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    FakePath withState(State newState) {
        return new FakePath(name, confName, newState, codecs, sourceType, since, readerTypes,
                oldServer, withoutTracks2, extraFields);
    }

    /** The item exactly as MediaMTX v1.20.1 writes it (Go field order of APIPath). */
    ObjectNode toJson() {
        boolean available = state != State.NOT_READY;
        boolean online = state == State.LIVE;
        String time = available ? goTime(since) : null;
        long inbound = online ? 1_000_000L + Math.floorMod(name.hashCode(), 1_000_000) : 0;
        long outbound = online ? inbound * readerTypes.size() : 0;
        ObjectNode item = JSON.createObjectNode();
        item.put("name", name);
        item.put("confName", confName);
        item.put("ready", available); // deprecated alias of available since v1.16
        item.put("readyTime", time);
        if (!oldServer) {
            item.put("available", available);
            item.put("availableTime", time);
            item.put("online", online);
            item.put("onlineTime", online ? time : null);
        }
        if (online) {
            ObjectNode source = item.putObject("source");
            source.put("type", sourceType);
            source.put("id", uuid(name + "/source"));
        } else {
            item.putNull("source");
        }
        addTracks(item, available);
        ArrayNode readers = item.putArray("readers");
        if (online) {
            for (int i = 0; i < readerTypes.size(); i++) {
                ObjectNode reader = readers.addObject();
                reader.put("type", readerTypes.get(i));
                reader.put("id", uuid(name + "/reader/" + i));
            }
        }
        item.put("inboundBytes", inbound);
        item.put("outboundBytes", outbound);
        item.put("inboundFramesInError", 0);
        item.put("bytesReceived", inbound);
        item.put("bytesSent", outbound);
        extraFields.forEach((key, value) -> item.set(key, JSON.valueToTree(value)));
        return item;
    }

    private void addTracks(ObjectNode item, boolean available) {
        ArrayNode tracks = item.putArray("tracks");
        ArrayNode tracks2 = JSON.createArrayNode();
        if (available) {
            for (String codec : codecs) {
                tracks.add(codec);
                ObjectNode track = tracks2.addObject();
                track.put("codec", codec);
                track.set("codecProps", codecProps(codec));
            }
        }
        if (!withoutTracks2) {
            item.set("tracks2", tracks2);
        }
    }

    /** The {@code PathTrackCodecProps*} schema of the codec; null for codecs without one. */
    private static ObjectNode codecProps(String codec) {
        ObjectNode props = JSON.createObjectNode();
        switch (codec) {
            case "H264", "H265" -> {
                props.put("width", 1920);
                props.put("height", 1080);
                props.put("profile", codec.equals("H264") ? "High" : "Main");
                props.put("level", "4.1");
            }
            case "AV1" -> {
                props.put("width", 1920);
                props.put("height", 1080);
                props.put("profile", 0);
                props.put("level", 8);
                props.put("tier", 0);
            }
            case "VP9" -> props.put("profile", 0);
            case "Opus" -> props.put("channelCount", 2);
            case "MPEG-4 Audio", "AC3" -> {
                props.put("sampleRate", 48000);
                props.put("channelCount", 2);
            }
            case "G711" -> {
                props.put("channelCount", 1);
                props.put("muLaw", true);
                props.put("sampleRate", 8000);
            }
            case "LPCM" -> {
                props.put("bitDepth", 16);
                props.put("channelCount", 2);
                props.put("sampleRate", 48000);
            }
            default -> {
                return null;
            }
        }
        return props;
    }

    /** Go's RFC 3339 with nanoseconds: fraction without trailing zeros, UTC as Z. */
    private static String goTime(Instant instant) {
        String text = DateTimeFormatter.ISO_INSTANT.format(instant);
        return text.contains(".") ? text.replaceAll("\\.?0*Z$", "Z") : text;
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(UTF_8)).toString();
    }

    /** Builds a {@link FakePath}. Not thread-safe: build, then hand the path over. */
    public static final class Builder {
        private final String name;
        private String confName;
        private State state = State.LIVE;
        private List<String> codecs = List.of("H264");
        private String sourceType = "rtspSession";
        private Instant since = Instant.now().truncatedTo(ChronoUnit.MICROS);
        private List<String> readerTypes = List.of();
        private boolean oldServer;
        private boolean withoutTracks2;
        private final Map<String, Object> extraFields = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = requireNonNull(name, "name is null");
        }

        /** Live (a publisher) or a configured path without one. */
        public Builder live(boolean live) {
            state = live ? State.LIVE : State.NOT_READY;
            return this;
        }

        /** Served by alwaysAvailable's filler while nobody publishes: available, not online. */
        public Builder alwaysAvailableFiller() {
            state = State.FILLER;
            return this;
        }

        /** Track codecs as MediaMTX names them: H264, MPEG-4 Audio, Opus... */
        public Builder codecs(String... codecNames) {
            codecs = List.of(codecNames);
            return this;
        }

        /** {@code PathSourceType} of the publisher, e.g. rtmpConn; default rtspSession. */
        public Builder sourceType(String type) {
            sourceType = requireNonNull(type, "type is null");
            return this;
        }

        /** The configuration entry; default all_others when live, else the name. */
        public Builder confName(String value) {
            confName = requireNonNull(value, "value is null");
            return this;
        }

        /** When the stream became available; default: when the builder was made. */
        public Builder since(Instant instant) {
            since = requireNonNull(instant, "instant is null");
            return this;
        }

        /** Readers by {@code PathReaderType}, e.g. rtspSession, hlsSession. */
        public Builder readers(String... types) {
            readerTypes = List.of(types);
            return this;
        }

        /** Answer like MediaMTX before v1.16: only ready/readyTime, no available/online. */
        public Builder oldServer() {
            oldServer = true;
            return this;
        }

        /** Leave out tracks2, so that only the deprecated tracks list names the codecs. */
        public Builder withoutTracks2() {
            withoutTracks2 = true;
            return this;
        }

        /**
         * Adds a property no schema knows, or overrides a standard one, with any value Jackson
         * can serialise (null included).
         */
        public Builder extraField(String key, Object value) {
            extraFields.put(requireNonNull(key, "key is null"), value);
            return this;
        }

        public FakePath build() {
            String conf = confName != null ? confName : state == State.LIVE ? "all_others" : name;
            return new FakePath(name, conf, state, codecs, sourceType, since, readerTypes,
                    oldServer, withoutTracks2, extraFields);
        }
    }
}
