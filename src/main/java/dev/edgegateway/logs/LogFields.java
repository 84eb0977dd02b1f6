package dev.edgegateway.logs;

/**
 * Named values a log event carries as its argument, written as fields of the line: top-level members of a JSON line
 * ({@link JsonLineEncoder}), {@code name=value} pairs after the message of a text line ({@link FieldsConverter}).
 * Building the event costs one object; the line is written on the appender's own thread.
 */
public interface LogFields {
  /** The fields as JSON members, {@code "name":value} separated by commas, without a leading or trailing comma. */
  void appendJson(StringBuilder out);

  /** The fields as {@code name=value} pairs separated by spaces, without a leading space. */
  void appendText(StringBuilder out);

  /** {@code value} as a JSON string (quoted, escaped); {@code null} for null. */
  static void appendJsonString(StringBuilder out, String value) {
    if (value == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(switch (c) {
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          default -> String.format("\\u%04x", (int) c);
        });
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
