package io.github.mediamtxvod.webhook;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.WebhookEvent;
import io.github.mediamtxvod.catalog.WebhookOutbox;
import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
import io.github.mediamtxvod.runtime.WorkerThread;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook stage: posts every event of the {@link WebhookOutbox} to WEBHOOK_URL, oldest first,
 * one at a time, until the receiver answers 2xx; only then does the event leave the outbox. At
 * least once, in order per stream: a stream's next event waits until its oldest is accepted.
 *
 * <p>Each POST carries the JSON body ({@link EventBody}), {@code X-Vod-Event-Id} (the same on every
 * retry, for the receiver to drop repeats), {@code X-Vod-Event-Type} and, with WEBHOOK_SECRET,
 * {@code X-Vod-Signature} ({@link Signature}). A receiver that does not answer, or answers 5xx,
 * 408 or 429, is down: nothing is posted until the capped backoff has passed. Any other answer
 * refuses that one event, which is retried with its own backoff while other streams go on. The
 * first failure, a summary a minute and the recovery are logged.
 *
 * <p>Threading: one platform thread, {@code webhook-sender}. The creator calls {@link #start()}
 * after the outbox started, {@link #wake()} when events were logged, and {@link #close()}.
 */
public final class WebhookSender implements AutoCloseable {
    /** How long one POST may take in production. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final int PAGE = 100;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration IDLE_POLL = Duration.ofSeconds(30);
    private static final int MAX_ERROR_BODY = 200;

    private final WebhookOutbox outbox;
    private final WebhookConfig config;
    private final String bucket;
    private final InstantSource clock;
    private final Backoff backoff;
    private final Duration requestTimeout;
    private final String receiver;
    private final WorkerThread worker = new WorkerThread("webhook-sender", Duration.ofSeconds(3));
    private final TransitionLog down = new TransitionLog(log);
    private final TransitionLog refused = new TransitionLog(log);
    private final Counter delivered;
    private final Counter failed;
    private HttpClient http;

    /**
     * @param bucket the bucket event keys are in, or null in local-only mode
     * @param backoff the wait after consecutive failures of the receiver, or of one event
     * @param requestTimeout how long one POST may take before the receiver counts as down
     */
    public WebhookSender(WebhookOutbox outbox, WebhookConfig config, String bucket, InstantSource clock,
            Backoff backoff, Duration requestTimeout, MeterRegistry registry) {
        this.outbox = requireNonNull(outbox, "outbox is null");
        this.config = requireNonNull(config, "config is null");
        this.bucket = bucket;
        this.clock = requireNonNull(clock, "clock is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        this.receiver = config.enabled() ? describe(config.url()) : "(none)";
        this.delivered = Counter.builder("vodrecorder.webhook.deliveries").tag("outcome", "delivered")
                .description("Webhook POSTs by outcome").register(registry);
        this.failed = Counter.builder("vodrecorder.webhook.deliveries").tag("outcome", "failed")
                .description("Webhook POSTs by outcome").register(registry);
        Gauge.builder("vodrecorder.webhook.events.waiting", this, WebhookSender::waitingOrNaN)
                .description("Webhook events waiting in the outbox for the receiver").register(registry);
    }

    /** The production policy: 1 s, doubling up to 30 s, with jitter. */
    public static Backoff defaultBackoff() {
        return Backoff.withJitter(Duration.ofSeconds(1), Duration.ofSeconds(30), Math::random);
    }

    /** Starts posting, unless webhooks are off. */
    public void start() {
        if (!config.enabled()) {
            return;
        }
        http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        worker.start(this::run);
        log.info("Posting events to {} ({}signed)", receiver, config.secret() == null ? "un" : "");
    }

    /** Events were logged: the thread looks now (a backoff wait still applies). */
    public void wake() {
        worker.wake();
    }

    private void run() {
        long downFailures = 0;
        while (worker.running()) {
            try {
                List<WebhookEvent> due = outbox.due(PAGE);
                if (due.isEmpty()) {
                    worker.await(untilNextRetry());
                    continue;
                }
                for (WebhookEvent event : due) {
                    if (!worker.running()) {
                        return;
                    }
                    if (!deliver(event, downFailures + 1)) {
                        downFailures++;
                        worker.pause(backoff.delay(downFailures));
                        break;
                    }
                    downFailures = 0;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                if (!worker.running()) {
                    return;
                }
                downFailures++;
                Duration wait = backoff.delay(downFailures);
                down.failed("Webhook events cannot be sent, retrying in {}: {}", Durations.describe(wait), e.toString(), e);
                worker.pause(wait);
            }
        }
    }

    /**
     * Posts one event. Returns false when the receiver is down (the event is due again after
     * the backoff of {@code downFailures}); true when it accepted or refused only this event.
     */
    private boolean deliver(WebhookEvent event, long downFailures) throws InterruptedException {
        String body = event.body();
        if (body == null) {
            body = EventBody.render(event, bucket);
            outbox.keepBody(event, body);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(config.url()).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "mediamtx-vod")
                .header("X-Vod-Event-Id", event.id())
                .header("X-Vod-Event-Type", event.type().wireName())
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (config.secret() != null) {
            request.header(Signature.HEADER, Signature.of(bytes, config.secret()));
        }
        int status;
        String answer;
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            // a receiver's answer is only shown in a log line: never read more than its start
            try (InputStream in = response.body()) {
                answer = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return receiverDown(event, e.toString(), downFailures);
        }
        if (status >= 200 && status < 300) {
            outbox.delivered(event);
            delivered.increment();
            recovered();
            return true;
        }
        String error = "HTTP " + status + (answer == null || answer.isBlank() ? "" : ": " + shorten(answer));
        if (status >= 500 || status == 408 || status == 429) {
            return receiverDown(event, error, downFailures);
        }
        failed.increment();
        Duration wait = backoff.delay(event.attempts() + 1L);
        outbox.failed(event, error, clock.instant().plus(wait));
        refused.failed("{} refuses {} event {} of {}: {}; it is posted again in {}, and later events of {} wait for it",
                receiver, event.type().wireName(), event.id(), event.stream(), error, Durations.describe(wait),
                event.stream());
        return true;
    }

    private boolean receiverDown(WebhookEvent event, String error, long downFailures) {
        failed.increment();
        Duration wait = backoff.delay(downFailures);
        outbox.failed(event, error, clock.instant().plus(wait));
        down.failed("{} does not take events: {}; they wait in the outbox and are posted again with backoff"
                + " (at most every {})", receiver, error, Durations.describe(backoff.max()));
        return false;
    }

    private void recovered() {
        if (down.failing()) {
            down.recovered("{} takes events again after {} failed attempts over {}; {} events wait", receiver,
                    down.failures(), Durations.describe(down.failingFor()), outbox.waiting());
        }
        refused.recovered("{} accepts events again", receiver);
    }

    /** How long to sleep when nothing is due: until the next retry, at most the idle poll. */
    private Duration untilNextRetry() {
        Optional<Instant> next = outbox.nextRetryAt();
        if (next.isEmpty()) {
            return IDLE_POLL;
        }
        Duration until = Duration.between(clock.instant(), next.get());
        return until.compareTo(IDLE_POLL) > 0 ? IDLE_POLL : until;
    }

    /** Events waiting in the outbox. */
    public long waiting() {
        return outbox.waiting();
    }

    private double waitingOrNaN() {
        try {
            return worker.running() ? outbox.waiting() : Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The receiver for log lines: scheme, host and port only (a path may hold a token). */
    static String describe(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    private static String shorten(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** Stops posting; a POST in flight may finish for a moment; idempotent. */
    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            if (http != null) {
                http.close();
            }
        }
    }
}
