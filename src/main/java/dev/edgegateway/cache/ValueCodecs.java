package dev.edgegateway.cache;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** The {@link ValueCodec}s the gateway's caches use. All are stateless singletons. */
public final class ValueCodecs {
  private static final ValueCodec<String> STRING = new ValueCodec<>() {
    @Override
    public Buffer encode(String value) {
      return Buffer.buffer(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String decode(Buffer bytes) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  };

  private static final ValueCodec<JsonObject> JSON = new ValueCodec<>() {
    @Override
    public Buffer encode(JsonObject value) {
      return value.toBuffer();
    }

    @Override
    public JsonObject decode(Buffer bytes) {
      try {
        return new JsonObject(bytes);
      } catch (DecodeException | ClassCastException e) {
        throw new IllegalArgumentException("not a JSON object", e);
      }
    }
  };

  private static final ValueCodec<JsonArray> JSON_ARRAY = new ValueCodec<>() {
    @Override
    public Buffer encode(JsonArray value) {
      return value.toBuffer();
    }

    @Override
    public JsonArray decode(Buffer bytes) {
      try {
        return new JsonArray(bytes);
      } catch (DecodeException | ClassCastException e) {
        throw new IllegalArgumentException("not a JSON array", e);
      }
    }
  };

  private static final ValueCodec<Buffer> BUFFER = new ValueCodec<>() {
    @Override
    public Buffer encode(Buffer value) {
      return value;
    }

    @Override
    public Buffer decode(Buffer bytes) {
      // a copy: the bytes may be a slice of a buffer the client reuses
      return bytes.copy();
    }
  };

  private ValueCodecs() {
  }

  /** UTF-8 text. */
  public static ValueCodec<String> string() {
    return STRING;
  }

  /** A JSON object, stored as its compact UTF-8 encoding. */
  public static ValueCodec<JsonObject> json() {
    return JSON;
  }

  /** A JSON array, stored as its compact UTF-8 encoding. */
  public static ValueCodec<JsonArray> jsonArray() {
    return JSON_ARRAY;
  }

  /** Raw bytes, stored as they are. */
  public static ValueCodec<Buffer> buffer() {
    return BUFFER;
  }
}
