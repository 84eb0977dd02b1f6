package dev.edgegateway.events;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The field checks both event routes share. Every failure is a 400 ({@link Outcome#BAD_REQUEST}) whose message
 * names the field, never its value.
 */
final class EventChecks {
  /** Longest string field, in code points. */
  static final int MAX_STRING_LENGTH = 512;
  /** A price as Klevu's records write it, and as the SDK passes it on: a decimal string. */
  static final Pattern DECIMAL = Pattern.compile("[0-9]{1,15}(\\.[0-9]{1,10})?");
  /** What {@code metadata.action} may be. */
  static final Set<String> ACTIONS = Set.of("STATIC_CONTENT", "HIDE_RECOMMENDATION", "FILTER");
  static final Set<String> RESOLUTIONS = Set.of("desktop", "mobile");

  private EventChecks() {
  }

  static OutcomeException bad(String message) {
    return new OutcomeException(Outcome.BAD_REQUEST, message);
  }

  /** A string field, or null when absent or JSON null; fails when it is not a string or is too long. */
  static String string(JsonObject object, String key, String path) {
    Object raw = object.getValue(key);
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      throw bad(path + "." + key + " must be a string");
    }
    return capped(s, path + "." + key);
  }

  /** A string field that must be there. */
  static String required(JsonObject object, String key, String path) {
    String value = string(object, key, path);
    if (value == null) {
      throw bad(path + "." + key + " is required");
    }
    return value;
  }

  static String capped(String value, String path) {
    if (value.length() > MAX_STRING_LENGTH && value.codePointCount(0, value.length()) > MAX_STRING_LENGTH) {
      throw bad(path + " is longer than " + MAX_STRING_LENGTH + " characters");
    }
    return value;
  }

  /** An identifier field: a string or a non-negative integral number (turned into its decimal string). */
  static String identifier(JsonObject object, String key, String path) {
    Object raw = object.getValue(key);
    if (raw == null) {
      return null;
    }
    if (raw instanceof String s) {
      return capped(s, path + "." + key);
    }
    long value = raw instanceof Number ? integral(raw) : -1;
    if (value < 0) {
      throw bad(path + "." + key + " must be a string or a non-negative integer");
    }
    return Long.toString(value);
  }

  /** The value of an integral JSON number, or -1 when it is not one. */
  static long integral(Object raw) {
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger big) {
      return big.bitLength() < 63 ? big.longValue() : -1;
    }
    if (raw instanceof Double || raw instanceof Float || raw instanceof BigDecimal) {
      double d = ((Number) raw).doubleValue();
      return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : -1;
    }
    return -1;
  }

  /** A positive integer JSON number (an item's or a banner's 1-based index). */
  static boolean positiveInteger(Object raw) {
    long value = raw instanceof Number ? integral(raw) : -1;
    return value >= 1 && value <= Integer.MAX_VALUE && !(raw instanceof Double || raw instanceof Float);
  }

  /**
   * A price as the SDK sends it, a decimal string: a string is kept as given (it must be decimal), a non-negative
   * number is written plainly ({@code 9.99} as {@code "9.99"}, {@code 25.0} as {@code "25"}). Null when absent.
   */
  static String price(JsonObject object, String key, String path) {
    Object raw = object.getValue(key);
    if (raw == null || raw instanceof String s && s.isEmpty()) {
      return null;
    }
    String text;
    if (raw instanceof String s) {
      text = s;
    } else if (raw instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() >= 0) {
      text = (n instanceof BigDecimal d ? d : new BigDecimal(n.toString())).stripTrailingZeros().toPlainString();
    } else {
      text = "-";
    }
    if (!DECIMAL.matcher(text).matches()) {
      throw bad(path + "." + key + " must be a non-negative number or a decimal string such as \"25.00\"");
    }
    return text;
  }

  /** Fails on the first field of {@code object} not in {@code allowed}: an event is passed on exactly as sent. */
  static void onlyKeys(JsonObject object, Set<String> allowed, String path) {
    for (String key : object.fieldNames()) {
      if (!allowed.contains(key)) {
        throw bad(path + " has a field @klevu/core does not send: '" + capped(key, path) + "'");
      }
    }
  }

  /** Each of {@code keys}, when present, a string (JSON null too when {@code nullable}). */
  static void strings(JsonObject object, Set<String> keys, boolean nullable, String path) {
    for (String key : keys) {
      if (object.containsKey(key) && !(nullable && object.getValue(key) == null)) {
        if (!(object.getValue(key) instanceof String s)) {
          throw bad(path + "." + key + " must be a string");
        }
        capped(s, path + "." + key);
      }
    }
  }

  /** An array of at most {@code max} entries. */
  static JsonArray array(Object raw, String path, int max) {
    if (!(raw instanceof JsonArray array)) {
      throw bad(path + " must be an array");
    }
    if (array.size() > max) {
      throw bad(path + " has " + array.size() + " entries (at most " + max + ")");
    }
    return array;
  }
}
