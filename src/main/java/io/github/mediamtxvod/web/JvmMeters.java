package io.github.mediamtxvod.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM's own meters (memory, GC, threads, class loading, processor, uptime) on the shared
 * registry. Bound once by {@link WebServer#start()}; {@link #close()} stops the GC listener.
 */
final class JvmMeters implements AutoCloseable {
    private final MeterRegistry registry;
    private JvmGcMetrics gc;

    JvmMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void bind() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
            gc = null;
        }
    }
}
