package dev.edgegateway.logs;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * Logback's {@link JsonEncoder}, one JSON object a line, with the fields a log pipeline queries at the top level:
 * {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName}, {@code loggerName}, {@code message}
 * (formatted), the event's key-value pairs and {@link LogFields}, and {@code throwable} when there is one. Left out:
 * the sequence number, nanoseconds, the logger context, the MDC (the event loops do not keep one per request) and the
 * raw arguments.
 */
public class JsonLineEncoder extends JsonEncoder {
  public JsonLineEncoder() {
    setWithSequenceNumber(false);
    setWithNanoseconds(false);
    setWithContext(false);
    setWithMDC(false);
    setWithArguments(false);
    setWithMessage(false);
    setWithFormattedMessage(false);
  }

  @Override
  protected void appendKeyValuePairs(StringBuilder sb, ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null) {
      return;
    }
    for (KeyValuePair pair : pairs) {
      sb.append(',');
      LogFields.appendJsonString(sb, pair.key);
      sb.append(':');
      if (pair.value instanceof Number || pair.value instanceof Boolean) {
        sb.append(pair.value);
      } else {
        LogFields.appendJsonString(sb, pair.value == null ? null : pair.value.toString());
      }
    }
  }

  @Override
  protected void appendThrowableProxy(StringBuilder sb, String attributeName, IThrowableProxy itp) {
    if (itp != null) {
      super.appendThrowableProxy(sb, attributeName, itp);
    }
  }

  @Override
  protected void appendCustomFields(StringBuilder sb, ILoggingEvent event) {
    sb.append(",\"message\":");
    LogFields.appendJsonString(sb, event.getFormattedMessage());
    Object[] arguments = event.getArgumentArray();
    if (arguments != null) {
      for (Object argument : arguments) {
        if (argument instanceof LogFields fields) {
          sb.append(',');
          fields.appendJson(sb);
        }
      }
    }
  }
}
