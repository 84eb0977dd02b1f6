package dev.edgegateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** The gateway's own {@code logback.xml} (tests run with {@code logback-test.xml}), loaded into a context of its own. */
class LogbackConfigTest {
  private LoggerContext context;

  @AfterEach
  void stop() {
    System.clearProperty(LogFormat.VARIABLE);
    if (context != null) {
      context.stop();
    }
  }

  private LoggerContext load() throws JoranException {
    URL config = getClass().getClassLoader().getResource("logback.xml");
    assertThat(config).isNotNull();
    context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(config);
    List<Status> errors = context.getStatusManager().getCopyOfStatusList().stream()
        .filter(s -> s.getLevel() >= Status.WARN).toList();
    assertThat(errors).as("logback.xml problems").isEmpty();
    return context;
  }

  private static List<Appender<ILoggingEvent>> appenders(ch.qos.logback.classic.Logger logger) {
    List<Appender<ILoggingEvent>> all = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
      all.add(it.next());
    }
    return all;
  }

  @Test
  void jsonByDefaultWithTheAccessLinesOnTheirOwnWriter() throws JoranException {
    System.setProperty(LogFormat.VARIABLE, "json");
    LoggerContext loaded = load();
    List<Appender<ILoggingEvent>> root = appenders(loaded.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
    assertThat(root).singleElement().isInstanceOfSatisfying(ConsoleAppender.class,
        console -> assertThat(((LogLineEncoder) console.getEncoder()).getFormat()).isEqualTo(LogFormat.JSON));
    ch.qos.logback.classic.Logger access = loaded.getLogger("edge.access");
    assertThat(access.isAdditive()).isFalse();
    assertThat(access.isInfoEnabled()).isTrue();
    assertThat(appenders(access)).singleElement().isInstanceOfSatisfying(AsyncStdoutAppender.class,
        writer -> assertThat(writer.isStarted()).isTrue());
    assertThat(new String(encoder(root.get(0)).encode(event(loaded)), StandardCharsets.UTF_8))
        .startsWith("{").contains("\"message\":\"hello\"");
  }

  @Test
  void textWhenAsked() throws JoranException {
    System.setProperty(LogFormat.VARIABLE, "TEXT");
    LoggerContext loaded = load();
    List<Appender<ILoggingEvent>> root = appenders(loaded.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
    assertThat(root).singleElement().isInstanceOfSatisfying(ConsoleAppender.class,
        console -> assertThat(((LogLineEncoder) console.getEncoder()).getFormat()).isEqualTo(LogFormat.TEXT));
    assertThat(appenders(loaded.getLogger("edge.access"))).singleElement().isInstanceOf(AsyncStdoutAppender.class);
    assertThat(new String(encoder(root.get(0)).encode(event(loaded)), StandardCharsets.UTF_8))
        .contains(" INFO  [", "edge.test - hello requestId=r-1");
  }

  @SuppressWarnings("unchecked")
  private static Encoder<ILoggingEvent> encoder(Appender<ILoggingEvent> appender) {
    return ((ConsoleAppender<ILoggingEvent>) appender).getEncoder();
  }

  private static LoggingEvent event(LoggerContext context) {
    LoggingEvent event = new LoggingEvent("x", context.getLogger("edge.test"), Level.INFO, "hello", null, null);
    event.setKeyValuePairs(List.of(new KeyValuePair("requestId", "r-1")));
    return event;
  }

  @Test
  void anythingButTextIsJson() {
    assertThat(LogFormat.of(Map.of())).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.of(Map.of(LogFormat.VARIABLE, "yaml"))).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.of(Map.of(LogFormat.VARIABLE, " Text "))).isEqualTo(LogFormat.TEXT);
  }
}
