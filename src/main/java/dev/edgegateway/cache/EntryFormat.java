package dev.edgegateway.cache;

import io.vertx.core.buffer.Buffer;

/**
 * The stored form of a {@link CacheEntry} outside the process: a 27-byte header, then the codec's bytes.
 * <pre>
 *   byte  0     magic 0xED
 *   byte  1     format version (1)
 *   byte  2     flags: bit 0 negative, bit 1 null value (no payload follows)
 *   bytes 3-10  freshUntil, epoch ms, big-endian
 *   bytes 11-18 staleUntil
 *   bytes 19-26 keepUntil
 *   bytes 27-   payload
 * </pre>
 * A change to this layout bumps the version and the key prefix ({@code edge:v1:}), so old and new gateways
 * sharing one Redis never read each other's entries.
 */
final class EntryFormat {
  static final byte MAGIC = (byte) 0xED;
  static final byte VERSION = 1;
  static final int HEADER_BYTES = 27;
  private static final int NEGATIVE = 1;
  private static final int NULL_VALUE = 2;

  private EntryFormat() {
  }

  static <V> Buffer encode(CacheEntry<V> entry, ValueCodec<V> codec) {
    Buffer payload = entry.value() == null ? null : codec.encode(entry.value());
    int flags = (entry.negative() ? NEGATIVE : 0) | (payload == null ? NULL_VALUE : 0);
    Buffer out = Buffer.buffer(HEADER_BYTES + (payload == null ? 0 : payload.length()));
    out.appendByte(MAGIC).appendByte(VERSION).appendByte((byte) flags)
        .appendLong(entry.freshUntil()).appendLong(entry.staleUntil()).appendLong(entry.keepUntil());
    if (payload != null) {
      out.appendBuffer(payload);
    }
    return out;
  }

  /** @throws IllegalArgumentException for bytes not written by {@link #encode} (or by a newer format) */
  static <V> CacheEntry<V> decode(Buffer bytes, ValueCodec<V> codec) {
    if (bytes.length() < HEADER_BYTES || bytes.getByte(0) != MAGIC) {
      throw new IllegalArgumentException("not a cache entry");
    }
    if (bytes.getByte(1) != VERSION) {
      throw new IllegalArgumentException("unknown cache entry version " + bytes.getByte(1));
    }
    int flags = bytes.getByte(2);
    V value = (flags & NULL_VALUE) != 0 ? null : codec.decode(bytes.slice(HEADER_BYTES, bytes.length()));
    return new CacheEntry<>(value, bytes.getLong(3), bytes.getLong(11), bytes.getLong(19), (flags & NEGATIVE) != 0);
  }
}
