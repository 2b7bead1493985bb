package io.github.mediamtxvod.mediamtx;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mediamtxvod.runtime.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Whether MEDIAMTX_RTSP_URL works, tested the way FFmpeg will use it: an RTSP OPTIONS and DESCRIBE
 * of one live path over a plain TCP socket (answering a Basic or Digest challenge with the user
 * info of the URL, as FFmpeg does), or a TCP connect when no path is live. For {@code check}:
 * every step is bounded by {@code timeout}, answers are bounded in size, and the result is one
 * line that names the setting, never the password. {@code rtsps} is tested with a TCP connect
 * only. Stateless; blocks the calling (platform) thread.
 */
public final class RtspCheck {
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_BODY = 64 * 1024;

    /** One line of the report. */
    public record Result(boolean ok, String detail) {}

    private record Response(int status, String reason, List<String> headers, String body) {
        List<String> header(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headers) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).strip());
                }
            }
            return values;
        }
    }

    private RtspCheck() {}

    /** OPTIONS and DESCRIBE of {@code rtspUrl/pathName}, with credentials from the URL's user info. */
    public static Result describe(URI rtspUrl, String pathName, Duration timeout) {
        if (rtspUrl.getScheme().equalsIgnoreCase("rtsps")) {
            Result connected = connect(rtspUrl, timeout);
            return new Result(connected.ok(), connected.detail() + " (rtsps: TLS and DESCRIBE are not tested)");
        }
        String url = withoutUserInfo(rtspUrl) + "/" + MediaMtxClient.encodePathName(pathName);
        String[] credentials = credentials(rtspUrl);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = open(rtspUrl, timeout)) {
            Exchange exchange = new Exchange(socket, deadline);
            Response options = exchange.send("OPTIONS", url, null);
            Response describe = options.status() == 401 ? options : exchange.send("DESCRIBE", url, null);
            if (describe.status() == 401 && credentials != null) {
                Optional<RtspAuthorization> answer =
                        RtspAuthorization.answering(describe.header("WWW-Authenticate"), credentials[0], credentials[1]);
                if (answer.isEmpty()) {
                    return fail(url, "asks for an authentication method other than Basic or Digest (MD5): "
                            + PathListParser.printable(String.join(" | ", describe.header("WWW-Authenticate")), 120));
                }
                describe = exchange.send("DESCRIBE", url, answer.get().header("DESCRIBE", url));
            }
            return judge(url, describe, credentials);
        } catch (IOException | TimeoutException e) {
            return fail(url, problem(e, timeout));
        }
    }

    /** A TCP connect to the host and port of {@code rtspUrl}. */
    public static Result connect(URI rtspUrl, Duration timeout) {
        String url = withoutUserInfo(rtspUrl);
        try {
            open(rtspUrl, timeout).close();
            return new Result(true, url + " accepts TCP connections");
        } catch (IOException | TimeoutException e) {
            return fail(url, problem(e, timeout));
        }
    }

    private static Result judge(String url, Response describe, String[] credentials) {
        return switch (describe.status()) {
            case 200 -> new Result(true, url + " answers DESCRIBE: " + tracks(describe.body()));
            case 401 -> fail(url, credentials == null
                    ? "requires credentials (401); put a MediaMTX user with the 'read' permission into"
                            + " MEDIAMTX_RTSP_URL: rtsp://user:password@host:port"
                    : "refused the credentials of MEDIAMTX_RTSP_URL for user '" + PathListParser.printable(credentials[0], 60)
                            + "' (401); check them against MediaMTX's authInternalUsers (permission 'read')");
            case 404 -> fail(url, "has no such path (404) although the API lists it live; check that MEDIAMTX_RTSP_URL"
                    + " and MEDIAMTX_API_URL point at the same MediaMTX");
            default -> fail(url, "answered RTSP " + describe.status() + " " + PathListParser.printable(describe.reason(), 80));
        };
    }

    /** "2 tracks: H264/90000, MPEG4-GENERIC/48000/2" from the SDP's rtpmap lines. */
    private static String tracks(String sdp) {
        List<String> codecs = new ArrayList<>();
        long media = sdp.lines().filter(line -> line.startsWith("m=")).count();
        sdp.lines().filter(line -> line.startsWith("a=rtpmap:")).forEach(line -> {
            int space = line.indexOf(' ');
            codecs.add(PathListParser.printable(space < 0 ? line : line.substring(space + 1).strip(), 40));
        });
        return media + " track(s)" + (codecs.isEmpty() ? "" : ": " + String.join(", ", codecs));
    }

    private static Socket open(URI rtspUrl, Duration timeout) throws IOException, TimeoutException {
        String host = rtspUrl.getHost() != null ? rtspUrl.getHost() : hostOf(rtspUrl);
        int port = rtspUrl.getPort() > 0 ? rtspUrl.getPort() : rtspUrl.getScheme().equalsIgnoreCase("rtsps") ? 322 : 554;
        InetAddress address = HostLookup.resolve(host, timeout.compareTo(HostLookup.PATIENCE) < 0 ? timeout : HostLookup.PATIENCE);
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, port), (int) Math.max(1, timeout.toMillis()));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String problem(Exception e, Duration timeout) {
        if (e instanceof UnknownHostException) {
            return "unknown host (" + PathListParser.printable(e.getMessage(), 100) + "); check MEDIAMTX_RTSP_URL";
        }
        if (e instanceof TimeoutException && e.getMessage() != null) {
            return PathListParser.printable(e.getMessage(), 150) + "; check MEDIAMTX_RTSP_URL";
        }
        if (e instanceof TimeoutException || e instanceof SocketTimeoutException) {
            return "no answer within " + Durations.describe(timeout) + "; check MEDIAMTX_RTSP_URL and the network";
        }
        if (e instanceof ConnectException) {
            return "connection refused; check MEDIAMTX_RTSP_URL and that MediaMTX's RTSP server listens there";
        }
        return PathListParser.printable(String.valueOf(e.getMessage()), 150) + "; check MEDIAMTX_RTSP_URL";
    }

    private static Result fail(String url, String problem) {
        return new Result(false, url + " " + problem);
    }

    /** The URL as FFmpeg is given it, minus the user info: safe to print. */
    static String withoutUserInfo(URI rtspUrl) {
        return rtspUrl.getScheme() + "://" + MediaMtxClient.authorityWithoutUserInfo(rtspUrl)
                + (rtspUrl.getRawPath() == null ? "" : rtspUrl.getRawPath());
    }

    /** User and password, percent-decoded, from the URL's user info; null when there is none. */
    private static String[] credentials(URI rtspUrl) {
        String raw = rtspUrl.getRawUserInfo();
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        int colon = raw.indexOf(':');
        return colon < 0
                ? new String[] {percentDecode(raw), ""}
                : new String[] {percentDecode(raw.substring(0, colon)), percentDecode(raw.substring(colon + 1))};
    }

    private static String percentDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()
                    && Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(UTF_8));
            }
        }
        return out.toString(UTF_8);
    }

    private static String hostOf(URI uri) {
        String authority = MediaMtxClient.authorityWithoutUserInfo(uri);
        int colon = authority.lastIndexOf(':');
        return colon > authority.lastIndexOf(']') ? authority.substring(0, colon) : authority;
    }

    /** Requests and responses on one connection, each read bounded by the overall deadline. */
    private static final class Exchange {
        private final Socket socket;
        private final long deadline;
        private final InputStream in;
        private final OutputStream out;
        private int sequence;

        Exchange(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.deadline = deadline;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        Response send(String method, String url, String authorization) throws IOException, TimeoutException {
            StringBuilder request = new StringBuilder(method).append(' ').append(url).append(" RTSP/1.0\r\n")
                    .append("CSeq: ").append(++sequence).append("\r\n")
                    .append("User-Agent: vod-recorder-check\r\n");
            if (method.equals("DESCRIBE")) {
                request.append("Accept: application/sdp\r\n");
            }
            if (authorization != null) {
                request.append("Authorization: ").append(authorization).append("\r\n");
            }
            out.write(request.append("\r\n").toString().getBytes(UTF_8));
            out.flush();
            return read();
        }

        private Response read() throws IOException, TimeoutException {
            String status = line();
            if (!status.startsWith("RTSP/1.")) {
                throw new IOException("not an RTSP server: it answered '" + PathListParser.printable(status, 60) + "'");
            }
            String[] parts = status.split(" ", 3);
            int code;
            try {
                code = Integer.parseInt(parts.length > 1 ? parts[1] : "");
            } catch (NumberFormatException e) {
                throw new IOException("unreadable RTSP status line '" + PathListParser.printable(status, 60) + "'");
            }
            List<String> headers = new ArrayList<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                if (headers.size() >= MAX_HEADERS) {
                    throw new IOException("more than " + MAX_HEADERS + " header lines");
                }
                headers.add(line);
            }
            Response response = new Response(code, parts.length > 2 ? parts[2] : "", headers, "");
            int length = response.header("Content-Length").stream().findFirst().map(RtspCheck::parseLength).orElse(0);
            if (length > MAX_BODY) {
                throw new IOException("a body of " + length + " bytes");
            }
            byte[] body = new byte[length];
            for (int read = 0; read < length; ) {
                setTimeout();
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    throw new IOException("the connection closed in the middle of an answer");
                }
                read += n;
            }
            return new Response(code, response.reason(), headers, new String(body, UTF_8));
        }

        private String line() throws IOException, TimeoutException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                setTimeout();
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection closed without an answer");
                }
                if (b == '\n') {
                    return line.toString(ISO_8859_1).stripTrailing();
                }
                if (line.size() >= MAX_LINE) {
                    throw new IOException("a line longer than " + MAX_LINE + " bytes");
                }
                line.write(b);
            }
        }

        private void setTimeout() throws IOException, TimeoutException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException();
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
        }
    }

    private static int parseLength(String value) {
        try {
            return Integer.parseInt(value.strip().toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
