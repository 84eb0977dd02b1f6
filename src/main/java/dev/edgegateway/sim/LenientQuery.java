package dev.edgegateway.sim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Query-string parsing as forgiving as a CDN: only {@code &} separates parameters ({@code ;} and {@code ,} are
 * ordinary characters), empty segments ({@code ?&a=1}, {@code a=1&&b=2}) are skipped, {@code +} is a space,
 * invalid {@code %} escapes are kept literally, the first occurrence of a name wins.
 */
final class LenientQuery {

  private LenientQuery() {
  }

  static Map<String, String> parse(String rawQuery) {
    Map<String, String> out = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    int i = 0;
    int n = rawQuery.length();
    while (i <= n) {
      int amp = rawQuery.indexOf('&', i);
      if (amp < 0) {
        amp = n;
      }
      if (amp > i) {
        String part = rawQuery.substring(i, amp);
        int eq = part.indexOf('=');
        String name = decode(eq < 0 ? part : part.substring(0, eq));
        String value = eq < 0 ? "" : decode(part.substring(eq + 1));
        out.putIfAbsent(name, value);
      }
      i = amp + 1;
    }
    return out;
  }

  /** Percent-decodes a path segment ({@code +} stays {@code +}); invalid escapes are kept literally. */
  static String decodePath(String s) {
    return s.indexOf('%') < 0 ? s : decode(s.replace("+", "%2B"));
  }

  static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
        bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.write(b, 0, b.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
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
