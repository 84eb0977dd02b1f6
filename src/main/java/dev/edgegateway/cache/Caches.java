package dev.edgegateway.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Static entry point: {@link #create} returns a {@link MemoryCache} when no Redis is configured and a
 * {@link TieredCache} (memory over Redis) when one is. Calls with the same configuration on the same Vert.x
 * instance share one {@link CacheFactory}, hence one Redis client and connection pool, however many caches
 * (segments, recommendations, sessions...) the verticles create.
 */
public final class Caches {
  private static final Map<Vertx, Map<JsonObject, CacheFactory>> FACTORIES = new HashMap<>();

  private Caches() {
  }

  public static <V> Cache<V> create(Vertx vertx, JsonObject cacheConfig, String name, ValueCodec<V> codec) {
    return factory(vertx, cacheConfig).create(name, codec);
  }

  /** The process-wide factory of this configuration on this Vert.x instance (created on first use). */
  public static synchronized CacheFactory factory(Vertx vertx, JsonObject cacheConfig) {
    JsonObject key = cacheConfig == null ? new JsonObject() : cacheConfig.copy();
    return FACTORIES.computeIfAbsent(vertx, v -> new HashMap<>())
        .computeIfAbsent(key, k -> new CacheFactory(vertx, k));
  }

  /** Closes the shared factories (and their Redis clients) of this Vert.x instance; call before closing it. */
  public static Future<Void> close(Vertx vertx) {
    List<CacheFactory> closing;
    synchronized (Caches.class) {
      Map<JsonObject, CacheFactory> mine = FACTORIES.remove(vertx);
      closing = mine == null ? List.of() : new ArrayList<>(mine.values());
    }
    List<Future<Void>> closed = new ArrayList<>();
    closing.forEach(factory -> closed.add(factory.close()));
    return Future.join(closed).mapEmpty();
  }
}
