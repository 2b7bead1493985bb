package io.github.mediamtxvod.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.NopStatusListener;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class LogSetupTest {
    @TempDir
    Path tmp;

    @Test
    void linesGoToStdoutWithAUtcTimestampLevelThreadAndShortLoggerName() {
        LoggerContext context = new LoggerContext();
        LogSetup setup = new LogSetup();
        setup.setContext(context);

        assertThat(setup.configure(context, null, null)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getStatusManager().getCopyOfStatusListenerList())
                .hasAtLeastOneElementOfType(NopStatusListener.class);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
        assertThat(console.isStarted()).isTrue();
        assertThat(console.getTarget()).isEqualTo("System.out");

        ch.qos.logback.classic.Logger logger = context.getLogger("io.github.mediamtxvod.Recorder");
        LoggingEvent event = new LoggingEvent(getClass().getName(), logger, Level.WARN, "disk {} full", null,
                new Object[] {"/recordings"});
        event.setThreadName("main");
        event.setInstant(Instant.parse("2024-05-01T22:30:05.042Z"));
        Encoder<ILoggingEvent> encoder = console.getEncoder();
        assertThat(new String(encoder.encode(event), StandardCharsets.UTF_8))
                .isEqualTo("2024-05-01T22:30:05.042Z WARN  [main] Recorder - disk /recordings full"
                        + System.lineSeparator());
    }

    @Test
    void librariesSpeakFromWarnUpAndTheRecordersOwnLoggersFollowTheRoot() {
        LoggerContext context = new LoggerContext();
        new LogSetup().configure(context, null, null);

        for (String library : LogSetup.QUIET) {
            assertThat(context.getLogger(library + ".Some").getEffectiveLevel()).isEqualTo(Level.WARN);
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
        assertThat(context.getLogger("io.github.mediamtxvod.upload.S3Uploader").getEffectiveLevel())
                .isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("org.eclipse.jetty.server.Server").getEffectiveLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void aConfigurationFileWinsAndNothingIsSetUpBesideIt() throws IOException {
        URL file = Files.writeString(tmp.resolve("logback.xml"), "<configuration/>").toUri().toURL();
        LoggerContext context = new LoggerContext();

        assertThat(new LogSetup().configure(context, file, file.toString())).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        assertThat(context.getLogger("org.eclipse.jetty").getLevel()).isNull();
    }

    @Test
    void logbacksOwnSearchFindsTheTestClassPathsFile() {
        LoggerContext context = new LoggerContext();

        assertThat(new LogSetup().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    @Test
    void aPropertyThatNamesNothingGetsTheRecordersLayoutAndAWarning() {
        LoggerContext context = new LoggerContext();
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.setContext(context);
        warnings.start();
        context.getLogger(LogSetup.class).addAppender(warnings);
        String missing = tmp.resolve("missing.xml").toString();

        assertThat(new LogSetup().configure(context, null, missing)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNotNull();
        assertThat(warnings.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).isEqualTo("logback.configurationFile=" + missing
                    + " names no file, URL or class path resource; the recorder's own log layout is used");
        });
    }
}
