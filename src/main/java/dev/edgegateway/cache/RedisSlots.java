package dev.edgegateway.cache;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster key placement: the hash slot of a key ({@code CRC16(tag) mod 16384}, the tag being the part
 * between the first {@code {} and the next {@code }} when that is not empty, else the whole key), and companion
 * keys built to share a slot with the key they serve. A multi-key command or script on a cluster works only
 * when all its keys map to one slot (else CROSSSLOT): keys used together are built with {@link #companion}.
 */
public final class RedisSlots {
  public static final int SLOTS = 16_384;

  private RedisSlots() {
  }

  /** The hash slot of {@code key}, as {@code CLUSTER KEYSLOT} computes it. */
  public static int slot(String key) {
    return slot(key.getBytes(StandardCharsets.UTF_8));
  }

  public static int slot(byte[] key) {
    int start = 0;
    int end = key.length;
    for (int open = 0; open < key.length; open++) {
      if (key[open] == '{') {
        for (int close = open + 1; close < key.length; close++) {
          if (key[close] == '}') {
            if (close > open + 1) {
              start = open + 1;
              end = close;
            }
            break;
          }
        }
        break;
      }
    }
    return crc16(key, start, end) & (SLOTS - 1);
  }

  /** The part of {@code key} that decides its slot: its hash tag, or the whole key. */
  static String hashTag(String key) {
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        return key.substring(open + 1, close);
      }
    }
    return key;
  }

  /**
   * {@code <namespace>{<tag of key>}}: a key in the same slot as {@code key}, e.g. the lease that guards the load
   * of a cache entry. Throws for the odd key that cannot have one (braces in {@code namespace}, or a {@code }}
   * before the first {@code {} of {@code key}).
   */
  public static String companion(String namespace, String key) {
    String companion = namespace + "{" + hashTag(key) + "}";
    if (slot(companion) != slot(key)) {
      throw new IllegalArgumentException("no companion key in the same cluster slot for this key");
    }
    return companion;
  }

  /** CRC16-CCITT (XModem), the checksum Redis Cluster hashes keys with. */
  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (bytes[i] & 0xFF) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
    }
    return crc & 0xFFFF;
  }
}
