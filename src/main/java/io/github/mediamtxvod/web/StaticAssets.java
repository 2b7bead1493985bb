package io.github.mediamtxvod.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The single-page UI, served from the jar ({@code /web/...} on the class path): {@code /} is
 * {@code index.html}, {@code /assets/NAME} the scripts, stylesheet and icon. Only the files named
 * in {@link #FILES} exist, read once into memory; clients revalidate them by {@code ETag}.
 */
final class StaticAssets implements Request.Handler {
    static final String MOUNT = "/assets/";
    /** Browsers ask for it on pages without an icon link (downloads, error pages): the SVG icon. */
    static final String FAVICON_ICO = "/favicon.ico";
    static final List<String> FILES =
            List.of("index.html", "app.js", "dom.js", "dashboard.js", "browser.js", "timeline.js", "timebar.js",
                    "preview.js", "export.js", "player.js", "range.js", "mp4.js", "style.css", "favicon.svg",
                    "vendor/hls.min.js");

    private final Map<String, Asset> assets;

    private StaticAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    private record Asset(byte[] content, String contentType, String etag) {}

    /** Reads every file of {@link #FILES} from the class path; a missing one is a packaging bug. */
    static StaticAssets load() {
        Map<String, Asset> assets = new HashMap<>();
        for (String name : FILES) {
            try (InputStream in = StaticAssets.class.getResourceAsStream("/web/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("web asset missing from the class path: /web/" + name);
                }
                byte[] content = in.readAllBytes();
                assets.put(name, new Asset(content, contentType(name), etag(content)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read web asset " + name, e);
            }
        }
        return new StaticAssets(Map.copyOf(assets));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Replies.requireMethod(request, response, HttpMethod.GET);
        String path = request.getHttpURI().getPath();
        String name = switch (path) {
            case "/" -> "index.html";
            case FAVICON_ICO -> "favicon.svg";
            default -> path.substring(MOUNT.length());
        };
        Asset asset = assets.get(name);
        if (asset == null || name.equals("index.html") && !path.equals("/")) {
            throw HttpProblem.notFound();
        }
        response.getHeaders().put(HttpHeader.ETAG, asset.etag());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && ifNoneMatch.contains(asset.etag())) {
            response.setStatus(304);
            response.write(true, ByteBuffer.allocate(0), callback);
            return true;
        }
        return Replies.bytes(request, response, callback, 200, asset.contentType(), asset.content());
    }

    private static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> Replies.HTML_TYPE;
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> "application/octet-stream";
        };
    }

    private static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 8) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
