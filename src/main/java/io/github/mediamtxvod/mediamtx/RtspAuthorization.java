package io.github.mediamtxvod.mediamtx;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code Authorization} header of an RTSP request, answering a server's {@code
 * WWW-Authenticate} challenges with a user and password: Digest (RFC 2617, MD5, with or without
 * {@code qop=auth}) when offered, else Basic. Immutable.
 */
final class RtspAuthorization {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String user;
    private final String password;
    private final String scheme;
    private final Map<String, String> params;

    private RtspAuthorization(String user, String password, String scheme, Map<String, String> params) {
        this.user = user;
        this.password = password;
        this.scheme = scheme;
        this.params = params;
    }

    /** An answer to the best challenge we support, or empty when there is none. */
    static Optional<RtspAuthorization> answering(List<String> challenges, String user, String password) {
        RtspAuthorization basic = null;
        for (String challenge : challenges) {
            String trimmed = challenge.strip();
            int space = trimmed.indexOf(' ');
            String scheme = (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
            Map<String, String> params = space < 0 ? Map.of() : params(trimmed.substring(space + 1));
            String algorithm = params.getOrDefault("algorithm", "MD5");
            if (scheme.equals("digest") && params.containsKey("nonce") && algorithm.equalsIgnoreCase("MD5")) {
                return Optional.of(new RtspAuthorization(user, password, "digest", params));
            }
            if (scheme.equals("basic")) {
                basic = new RtspAuthorization(user, password, "basic", params);
            }
        }
        return Optional.ofNullable(basic);
    }

    /** The header value for one request. */
    String header(String method, String uri) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return header(method, uri, HexFormat.of().formatHex(random));
    }

    /** The header value for one request, with this client nonce when the server asks for {@code qop=auth}. */
    String header(String method, String uri, String cnonce) {
        if (scheme.equals("basic")) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
        }
        String realm = params.getOrDefault("realm", "");
        String nonce = params.get("nonce");
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        StringBuilder header = new StringBuilder("Digest username=\"").append(quoted(user))
                .append("\", realm=\"").append(quoted(realm))
                .append("\", nonce=\"").append(quoted(nonce))
                .append("\", uri=\"").append(quoted(uri)).append('"');
        boolean qopAuth = List.of(params.getOrDefault("qop", "").split(",")).stream()
                .anyMatch(qop -> qop.strip().equalsIgnoreCase("auth"));
        if (qopAuth) {
            String nc = "00000001";
            header.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce)
                    .append("\", response=\"").append(md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2));
        } else {
            header.append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + ha2));
        }
        header.append('"');
        if (params.containsKey("opaque")) {
            header.append(", opaque=\"").append(quoted(params.get("opaque"))).append('"');
        }
        return header.toString();
    }

    /** {@code key=value} and {@code key="quoted, value"} pairs separated by commas. */
    static Map<String, String> params(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
                i++;
            }
            int equals = text.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String key = text.substring(i, equals).strip().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            i = equals + 1;
            if (i < text.length() && text.charAt(i) == '"') {
                for (i++; i < text.length() && text.charAt(i) != '"'; i++) {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i));
                }
                i++; // the closing quote
            } else {
                for (; i < text.length() && text.charAt(i) != ','; i++) {
                    value.append(text.charAt(i));
                }
            }
            params.putIfAbsent(key, value.toString().strip());
        }
        return params;
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
