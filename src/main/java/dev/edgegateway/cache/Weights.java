package dev.edgegateway.cache;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Cheap estimates of the heap an in-memory cache entry keeps alive, in bytes, for the byte bound of
 * {@link MemoryCache}. Computed once when an entry is written (Caffeine weighs on put, never on a read), by one
 * walk of the value: no encoding, no allocation. The figures are those of a 64-bit JVM with compressed
 * references and compact (Latin-1) strings; they are an estimate, not a measurement. Field names are not counted:
 * Jackson interns them when it decodes, so one copy serves every object. Text outside Latin-1 (two bytes a char)
 * is counted at one byte a char.
 */
public final class Weights {
  /**
   * What any entry costs besides its key and value: Caffeine's node with its expiry and weight fields (about
   * 72 bytes), the {@link CacheEntry} record (40) and the hash table slot, rounded up.
   */
  public static final long ENTRY_OVERHEAD = 128;
  /** A String object and its byte array's header; the characters come on top. */
  static final long STRING = 40;
  /** A JsonObject wrapping a LinkedHashMap with its table. */
  static final long OBJECT = 88;
  /** One map entry (LinkedHashMap.Entry, 40) and its table slot (about 8). */
  static final long FIELD = 48;
  /** A JsonArray wrapping an ArrayList with its element array. */
  static final long ARRAY = 56;
  /** One array slot, with ArrayList's spare capacity. */
  static final long SLOT = 6;
  /** A boxed Long or Double (an Integer is 16; close enough). */
  static final long NUMBER = 24;
  /** A Vert.x Buffer and the Netty ByteBuf under it; the bytes come on top. */
  static final long BUFFER = 96;
  /** A value of a type this class does not know. */
  static final long OTHER = 64;

  private Weights() {
  }

  /** An entry: {@link #ENTRY_OVERHEAD}, the key and the value. */
  public static long entry(String key, long valueBytes) {
    return ENTRY_OVERHEAD + string(key) + valueBytes;
  }

  /**
   * A value as the caches hold it: JSON trees (JsonObject, JsonArray, and the Maps, Lists, Strings, numbers
   * and booleans in them), Strings and Buffers; null weighs nothing.
   */
  public static long of(Object value) {
    if (value == null || value instanceof Boolean) {
      return 0; // Boolean.TRUE/FALSE are shared
    }
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof JsonObject json) {
      return map(json.getMap());
    }
    if (value instanceof JsonArray json) {
      return list(json.getList());
    }
    if (value instanceof Number) {
      return NUMBER;
    }
    if (value instanceof Buffer buffer) {
      return buffer(buffer);
    }
    if (value instanceof Map<?, ?> map) {
      return map(map);
    }
    if (value instanceof List<?> list) {
      return list(list);
    }
    return OTHER;
  }

  public static long string(String s) {
    return s == null ? 0 : STRING + s.length();
  }

  public static long buffer(Buffer buffer) {
    return buffer == null ? 0 : BUFFER + buffer.length();
  }

  private static long map(Map<?, ?> map) {
    long bytes = OBJECT;
    for (Map.Entry<?, ?> field : map.entrySet()) {
      bytes += FIELD + of(field.getValue()); // the name is interned: shared, not counted
    }
    return bytes;
  }

  private static long list(List<?> list) {
    long bytes = ARRAY;
    for (Object item : list) {
      bytes += SLOT + of(item);
    }
    return bytes;
  }
}
