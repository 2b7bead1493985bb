package io.github.mediamtxvod.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one class logs, for tests of what gets logged and how often. Close to detach. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Class<?> type) {
        this.logger = (Logger) LoggerFactory.getLogger(type);
    }

    public static LogCapture of(Class<?> type) {
        LogCapture capture = new LogCapture(type);
        capture.appender.start();
        capture.logger.addAppender(capture.appender);
        return capture;
    }

    /** Formatted messages logged at exactly this level, in order. */
    public List<String> messages(Level level) {
        synchronized (appender) { // AppenderBase appends under this lock
            return appender.list.stream()
                    .filter(event -> event.getLevel() == level)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
