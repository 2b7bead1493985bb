package io.github.mediamtxvod.runtime;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.DefaultJoranConfigurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import java.net.URL;
import java.util.List;
import org.slf4j.Logger;

/**
 * The recorder's logging, set up in code when Logback starts (found through {@code
 * META-INF/services}): one line per event on stdout with a UTC timestamp, what {@code docker logs}
 * and journald expect, and the libraries' chatter (Jetty, the AWS SDK, the Apache HTTP client) only
 * from WARN up. LOG_LEVEL sets the root level later ({@code Recorder}).
 *
 * <p>Logback's XML configuration is not read by default: it costs a few hundred classes and an XML
 * parser at every start for five settings. A configuration file still wins when there is one (the
 * {@code logback.configurationFile} system property, or a {@code logback-test.xml} or {@code
 * logback.xml} on the class path), so an operator can replace this one entirely; a property that
 * names nothing Logback can find gets this layout and a warning instead of Logback's plain one.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** The layout of every line: {@code 2024-05-01T10:00:00.000Z INFO  [main] Recorder - message}. */
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{0} - %msg%n";
    /** Loggers of libraries that say little worth reading below WARN. */
    static final List<String> QUIET = List.of("org.eclipse.jetty", "software.amazon.awssdk", "org.apache.hc",
            "org.apache.http");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        // Logback's own search (the property, then logback-test.xml and logback.xml on the class
        // path), without reading anything it finds
        FileSearch search = new FileSearch();
        search.setContext(context);
        return configure(context, search.find(), System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY));
    }

    /**
     * @param found the configuration file Logback would read, or null
     * @param configurationFile the {@code logback.configurationFile} system property, or null
     */
    ExecutionStatus configure(LoggerContext context, URL found, String configurationFile) {
        if (found != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // Logback reads it
        }
        // Logback's own status messages stay out of the recorder's output, as with the XML before
        context.getStatusManager().add(new NopStatusListener());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        for (String name : QUIET) {
            context.getLogger(name).setLevel(Level.WARN);
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        if (configurationFile != null) {
            // Logback would fall back to its plain layout without a word
            context.getLogger(LogSetup.class).warn("{}={} names no file, URL or class path resource; the recorder's"
                    + " own log layout is used", ClassicConstants.CONFIG_FILE_PROPERTY, configurationFile);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Logback's search for a configuration file, without reading what it finds. */
    private static final class FileSearch extends DefaultJoranConfigurator {
        URL find() {
            return performMultiStepConfigurationFileSearch(false);
        }
    }
}
