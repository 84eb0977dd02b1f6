package dev.edgegateway.wire;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A forgiving query-string reader for hostile and sloppy input: Klevu's SDK sends {@code ?&}, unencoded
 * spaces and {@code ;}; bots send broken escapes. Broken escapes are kept literally, the first value of a
 * repeated name wins, and the number of parameters is bounded. It never throws.
 */
public final class QueryParams {
  public static final int MAX_PARAMS = 64;

  private final Map<String, String> values;

  private QueryParams(Map<String, String> values) {
    this.values = values;
  }

  public static QueryParams parse(String rawQuery) {
    Map<String, String> values = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new QueryParams(values);
    }
    int start = 0;
    int length = rawQuery.length();
    while (start <= length && values.size() < MAX_PARAMS) {
      int end = rawQuery.indexOf('&', start);
      if (end < 0) {
        end = length;
      }
      if (end > start) {
        String pair = rawQuery.substring(start, end);
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        values.putIfAbsent(name, value);
      }
      start = end + 1;
    }
    return new QueryParams(values);
  }

  /** Every parameter (first value of each name), untrimmed. */
  public Map<String, String> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /** Percent-decodes a path segment ({@code +} stays {@code +}); malformed escapes are kept literally. */
  public static String decodePath(String s) {
    return s.indexOf('%') < 0 ? s : decode(s.replace("+", "%2B"));
  }

  /** The value, trimmed; null when absent or blank. */
  public String get(String name) {
    String value = values.get(name);
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    return trimmed.isEmpty() ? null : trimmed;
  }

  /** Percent-decoding that keeps malformed escapes as they are; {@code +} is a space. */
  public static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    byte[] out = new byte[s.length() * 3];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        out[n++] = ' ';
      } else if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0
          && hex(s.charAt(i + 2)) >= 0) {
        out[n++] = (byte) (hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        System.arraycopy(bytes, 0, out, n, bytes.length);
        n += bytes.length;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
