package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * Options of the cross-gateway load lease ({@link LoadLease}), the {@code cache.lease} settings. Only a
 * Redis-backed cache has a lease; these options do nothing for a memory-only cache.
 *
 * @param ttlMs lifetime of a lease in Redis: a holder that dies (or loses Redis) frees the key after this; a load
 *     that takes longer lets one more gateway take the lease and load too
 * @param waitMs longest a gateway waits for another's load before it loads itself; 0 = never wait (the lease then
 *     saves nothing)
 * @param pollMs pause between two looks at Redis (the value, then the lease) while waiting
 */
public record LeaseOptions(boolean enabled, long ttlMs, long waitMs, long pollMs) {

  public static LeaseOptions from(ConfigReader config) {
    return new LeaseOptions(
        config.bool(Settings.CACHE_LEASE_ENABLED),
        config.positiveLong(Settings.CACHE_LEASE_TTL_MS),
        config.nonNegativeLong(Settings.CACHE_LEASE_WAIT_MS),
        config.positiveLong(Settings.CACHE_LEASE_POLL_MS));
  }

  public static LeaseOptions defaults() {
    return from(ConfigReader.defaults());
  }

  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("ttlMs", ttlMs).put("waitMs", waitMs).put("pollMs", pollMs);
  }
}
