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
      for (String part : header.split(";")) {
        if (cookies.size() >= MAX_COOKIES) {
          return cookies;
        }
        int eq = part.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = part.substring(0, eq).trim();
        String value = part.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        cookies.putIfAbsent(name, value);
      }
    }
    return cookies;
  }
}
