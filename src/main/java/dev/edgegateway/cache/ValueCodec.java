package dev.edgegateway.cache;

import io.vertx.core.buffer.Buffer;

/** Turns cached values into bytes and back, for stores outside the process (Redis). */
public interface ValueCodec<V> {
  Buffer encode(V value);

  /** Decodes, or throws {@link IllegalArgumentException} for bytes it cannot read (treated as a miss). */
  V decode(Buffer bytes);
}
