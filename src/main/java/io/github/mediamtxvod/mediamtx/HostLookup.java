package io.github.mediamtxvod.mediamtx;

import io.github.mediamtxvod.runtime.Durations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A DNS lookup that gives up after a time: the JDK's resolver can block for many seconds (the
 * system resolver's timeouts and retries) before it reports an unknown host. The lookup runs on
 * its own daemon platform thread (a blocking native call would pin a virtual thread's carrier);
 * one that does not answer in time is left to finish on its own.
 */
public final class HostLookup {
    /** Long enough for a resolver that answers at all, short enough that a check stays quick. */
    public static final Duration PATIENCE = Duration.ofSeconds(2);

    private HostLookup() {}

    /**
     * The first address of {@code host}.
     *
     * @throws UnknownHostException when DNS says there is no such host
     * @throws TimeoutException when DNS does not answer within {@code timeout}
     */
    public static InetAddress resolve(String host, Duration timeout) throws UnknownHostException, TimeoutException {
        CompletableFuture<InetAddress> lookup = new CompletableFuture<>();
        Thread.ofPlatform().name("dns-lookup").daemon(true).start(() -> {
            try {
                lookup.complete(InetAddress.getByName(host));
            } catch (UnknownHostException | RuntimeException e) {
                lookup.completeExceptionally(e);
            }
        });
        try {
            return lookup.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("DNS did not resolve '" + host + "' within " + Durations.describe(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while looking up '" + host + "'");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            throw new UnknownHostException(host + ": " + e.getCause());
        }
    }
}
