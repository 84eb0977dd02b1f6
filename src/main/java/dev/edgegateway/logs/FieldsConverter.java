package dev.edgegateway.logs;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %fields} of a text pattern: the event's {@link LogFields} and key-value pairs as {@code name=value}, each
 * after a space; nothing when it has none.
 */
public class FieldsConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    StringBuilder out = null;
    Object[] arguments = event.getArgumentArray();
    if (arguments != null) {
      for (Object argument : arguments) {
        if (argument instanceof LogFields fields) {
          out = out == null ? new StringBuilder(160) : out;
          fields.appendText(out.append(' '));
        }
      }
    }
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        out = out == null ? new StringBuilder(64) : out;
        out.append(' ').append(pair.key).append('=').append(pair.value);
      }
    }
    return out == null ? "" : out.toString();
  }
}
