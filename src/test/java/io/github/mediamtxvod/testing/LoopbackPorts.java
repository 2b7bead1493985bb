package io.github.mediamtxvod.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out loopback UDP ports for publishers. A port is free when handed out (another process may
 * still take it later) and is never handed out twice in one JVM, so two paths never share one.
 * Thread-safe.
 */
final class LoopbackPorts {
    private static final int MAX_ATTEMPTS = 50;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    static int freeUdpPort() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            try (DatagramSocket socket = new DatagramSocket(any)) {
                int candidate = socket.getLocalPort();
                if (HANDED_OUT.add(candidate)) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free loopback UDP port", e);
            }
        }
        throw new IllegalStateException("no fresh free UDP port after " + MAX_ATTEMPTS + " attempts");
    }
}
