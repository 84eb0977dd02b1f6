package dev.edgegateway.identity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The transport encodings a cookie or link value arrives in (quoting, percent-encoding, base64 in either
 * alphabet), peeled off without exceptions or regular expressions: junk must stay cheap on every page load.
 */
final class CookieEncodings {
  /** -1 = not a base64 character (either alphabet); -2 = padding. */
  private static final byte[] BASE64 = new byte[128];

  static {
    Arrays.fill(BASE64, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      BASE64[alphabet.charAt(i)] = (byte) i;
    }
    BASE64['-'] = 62;
    BASE64['_'] = 63;
    BASE64['='] = -2;
  }

  private CookieEncodings() {
  }

  /**
   * Trims whitespace and one pair of surrounding double quotes (RFC 6265 allows quoted cookie values);
   * null when a control character is present.
   */
  static String unwrap(String value) {
    int start = 0;
    int end = value.length();
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return null;
      }
    }
    while (start < end && isBlank(value.charAt(start))) {
      start++;
    }
    while (end > start && isBlank(value.charAt(end - 1))) {
      end--;
    }
    if (end - start >= 2 && value.charAt(start) == '"' && value.charAt(end - 1) == '"') {
      start++;
      end--;
    }
    return start == 0 && end == value.length() ? value : value.substring(start, end);
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * Percent-decoding that, unlike form decoding, leaves {@code +} alone (it is a base64 character here).
   * Null for a broken escape or bytes that are not UTF-8.
   */
  static String percentDecode(String value) {
    int first = value.indexOf('%');
    if (first < 0) {
      return value;
    }
    byte[] out = new byte[value.length() * 3];
    int n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= value.length()) {
          return null;
        }
        int hi = Character.digit(value.charAt(i + 1), 16);
        int lo = Character.digit(value.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out[n++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else if (c < 0x80) {
        out[n++] = (byte) c;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(encoded, 0, out, n, encoded.length);
        n += encoded.length;
      }
    }
    // lenient decoding (no exception path: junk must stay cheap); a replacement character means the bytes
    // were not UTF-8, and no legitimate value contains one
    String decoded = new String(out, 0, n, StandardCharsets.UTF_8);
    return decoded.indexOf('\uFFFD') >= 0 ? null : decoded;
  }

  /**
   * Base64 in the standard or URL-safe alphabet (mixed is tolerated), padded or not; spaces are read as
   * {@code +} (a form-decoded value). Null when the value is not base64.
   */
  static byte[] base64Decode(String value) {
    int len = value.length();
    while (len > 0 && value.charAt(len - 1) == '=') {
      len--;
    }
    if (value.length() - len > 2 || len % 4 == 1 || len == 0) {
      return null;
    }
    byte[] out = new byte[len * 3 / 4];
    int acc = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < len; i++) {
      char c = value.charAt(i);
      if (c == ' ') {
        c = '+';
      }
      int v = c < 128 ? BASE64[c] : -1;
      if (v < 0) {
        return null;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (byte) (acc >> bits);
        acc &= (1 << bits) - 1;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
