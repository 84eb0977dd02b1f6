package dev.edgegateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class JsonLineEncoderTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("edge.test");

  /** Fields as an access line has them: one of each JSON kind, and a value needing escapes. */
  record Fields(String text, int number) implements LogFields {
    @Override
    public void appendJson(StringBuilder out) {
      out.append("\"text\":");
      LogFields.appendJsonString(out, text);
      out.append(",\"number\":").append(number).append(",\"nothing\":null");
    }

    @Override
    public void appendText(StringBuilder out) {
      out.append("text=").append(text).append(" number=").append(number);
    }
  }

  private JsonObject encode(LoggingEvent event) {
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n").doesNotContain("\n\n");
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
    return new JsonObject(line);
  }

  @Test
  void aLineIsOneJsonObjectWithTheFieldsAtTheTopLevel() {
    LoggingEvent event = new LoggingEvent("x", logger, Level.INFO, "access {}", null,
        new Object[] {new Fields("a \"quoted\"\tvalue\\", 7)});
    event.setKeyValuePairs(List.of(new KeyValuePair("requestId", "r-1"), new KeyValuePair("count", 3)));
    JsonObject json = encode(event);
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("loggerName")).isEqualTo("edge.test");
    assertThat(json.getLong("timestamp")).isPositive();
    assertThat(json.getString("threadName")).isNotEmpty();
    assertThat(json.getString("message")).startsWith("access ");
    assertThat(json.getString("text")).isEqualTo("a \"quoted\"\tvalue\\");
    assertThat(json.getInteger("number")).isEqualTo(7);
    assertThat(json.containsKey("nothing")).isTrue();
    assertThat(json.getString("requestId")).isEqualTo("r-1");
    assertThat(json.getInteger("count")).isEqualTo(3);
    assertThat(json.fieldNames()).doesNotContain("throwable", "mdc", "context", "sequenceNumber", "arguments");
  }

  @Test
  void aThrowableIsKeptWithItsStack() {
    LoggingEvent event = new LoggingEvent("x", logger, Level.ERROR, "failed: {}", new IllegalStateException("boom"),
        new Object[] {"step"});
    JsonObject json = encode(event);
    assertThat(json.getString("message")).isEqualTo("failed: step");
    assertThat(json.getJsonObject("throwable").getString("className")).isEqualTo(IllegalStateException.class.getName());
    assertThat(json.getJsonObject("throwable").getString("message")).isEqualTo("boom");
  }

  @Test
  void textLinesShowTheFieldsAsNameValuePairs() {
    LoggingEvent event = new LoggingEvent("x", logger, Level.INFO, "access", null, new Object[] {new Fields("a", 7)});
    event.setKeyValuePairs(List.of(new KeyValuePair("requestId", "r-1")));
    FieldsConverter converter = new FieldsConverter();
    assertThat(converter.convert(event)).isEqualTo(" text=a number=7 requestId=r-1");
    assertThat(converter.convert(new LoggingEvent("x", logger, Level.INFO, "plain", null, null))).isEmpty();
  }
}
