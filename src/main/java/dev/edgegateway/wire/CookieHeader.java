package dev.edgegateway.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads {@code Cookie} headers leniently: klaviyo.js writes base64 with {@code =} padding and sometimes
 * URL-encoded values that strict RFC 6265 parsers drop. Bounded in size and count; never throws.
 */
public final class CookieHeader {
  public static final int MAX_HEADER_CHARS = 16 * 1024;
  public static final int MAX_COOKIES = 100;

  private CookieHeader() {
  }

  public static Map<String, String> parse(Iterable<String> headers) {
    Map<String, String> cookies = new HashMap<>();
    for (String header : headers) {
      if (header == null || header.length() > MAX_HEADER_CHARS) {
        continue;
      }
      int start = 0;
      while (start < header.length()) {
        if (cookies.size() >= MAX_COOKIES) {
          return cookies;
        }
        int end = header.indexOf(';', start);
        if (end < 0) {
          end = header.length();
        }
        int eq = start;
        while (eq < end && header.charAt(eq) != '=') {
          eq++; // within this pair only: a header of many ';' and one late '=' stays linear
        }
        if (eq > start && eq < end) {
          String name = header.substring(start, eq).trim();
          String value = header.substring(eq + 1, end).trim();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          cookies.putIfAbsent(name, value);
        }
        start = end + 1;
      }
    }
    return cookies;
  }
}
