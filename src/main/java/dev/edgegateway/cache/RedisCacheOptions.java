package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of the Redis tier (one {@link RedisBackend}: one client, one connection pool), the {@code cache.redis}
 * settings. A connection string may carry credentials ({@code redis://:secret@host:6379/0}); they are never logged.
 *
 * @param endpoints Redis connection strings: one for standalone, the sentinels or the cluster seed nodes otherwise
 * @param maxPoolSize connections in the pool (per endpoint), all event loops together; the pooled client sends one
 *     command per connection at a time, so this is also the number of commands in the air at once
 * @param commandTimeoutMs bound on every cache command, connection wait included
 * @param connectTimeoutMs TCP connect timeout of new pooled connections; also bounds a recovery probe
 * @param failuresBeforeDown consecutive failed or timed-out commands that mark Redis down; a refused connection
 *     does at once
 * @param keyPrefix prepended to every key: namespace and format version, bumped when the stored format changes
 * @param clientName the {@code client} tag of the Redis metrics: give each backend of one process its own, since
 *     the {@code edge_redis_up} gauge of a second backend with the same name would not be registered
 */
public record RedisCacheOptions(List<String> endpoints, RedisClientType type, String masterName, RedisRole role,
    int maxPoolSize, int maxPoolWaiting, int maxWaitingHandlers, long commandTimeoutMs, int connectTimeoutMs,
    int failuresBeforeDown, long reconnectInitialBackoffMs, long reconnectMaxBackoffMs, String keyPrefix,
    String clientName) {
  /** Where Redis is looked for when the settings name none (tests, tools): the gateway then uses no Redis at all. */
  public static final String LOCAL_REDIS = "redis://127.0.0.1:6379";

  public RedisCacheOptions {
    if (endpoints == null || endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one Redis endpoint is needed");
    }
    endpoints = List.copyOf(endpoints);
    // the cache writes (entries, leases, the outbox): a replica refuses writes, a sentinel holds no data
    if (role != RedisRole.MASTER) {
      throw new IllegalArgumentException(Settings.REDIS_ROLE.path() + " (" + Settings.REDIS_ROLE.env()
          + ") must be MASTER: the cache writes, and a " + role + " node takes no writes");
    }
    // Redis Cluster hashes only what is inside a key's first {...}: a braced prefix would put every key in one slot
    if (keyPrefix != null && (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0)) {
      throw new IllegalArgumentException(Settings.REDIS_KEY_PREFIX.path() + " (" + Settings.REDIS_KEY_PREFIX.env()
          + ") must not contain '{' or '}' (got '" + keyPrefix + "'): on a Redis Cluster only the part in braces"
          + " is hashed, so every key would land in the same slot");
    }
  }

  /** {@code cache.redis.endpoints} when given, else {@code cache.redis.connectionString}. */
  public static RedisCacheOptions from(ConfigReader config) {
    List<String> endpoints = config.list(Settings.REDIS_ENDPOINTS);
    String url = config.string(Settings.REDIS_URL);
    return new RedisCacheOptions(
        !endpoints.isEmpty() ? endpoints : List.of(url.isBlank() ? LOCAL_REDIS : url),
        config.enumValue(Settings.REDIS_TYPE, RedisClientType.class),
        config.string(Settings.REDIS_MASTER_NAME),
        config.enumValue(Settings.REDIS_ROLE, RedisRole.class),
        config.positiveInt(Settings.REDIS_POOL_SIZE),
        config.positiveInt(Settings.REDIS_POOL_WAITING),
        config.positiveInt(Settings.REDIS_MAX_WAITING_HANDLERS),
        config.positiveLong(Settings.REDIS_COMMAND_TIMEOUT_MS),
        config.positiveInt(Settings.REDIS_CONNECT_TIMEOUT_MS),
        config.positiveInt(Settings.REDIS_FAILURES_BEFORE_DOWN),
        config.positiveLong(Settings.REDIS_RECONNECT_INITIAL_BACKOFF_MS),
        config.positiveLong(Settings.REDIS_RECONNECT_MAX_BACKOFF_MS),
        config.string(Settings.REDIS_KEY_PREFIX),
        config.stringOrDefault(Settings.REDIS_CLIENT_NAME));
  }

  /** The default settings' Redis tier, on {@link #LOCAL_REDIS}. */
  public static RedisCacheOptions defaults() {
    return from(ConfigReader.defaults());
  }

  /** Whether a cache configuration names a Redis server at all (otherwise the cache stays in memory). */
  public static boolean isConfigured(JsonObject redisJson) {
    if (redisJson == null) {
      return false;
    }
    JsonArray list = redisJson.getJsonArray("endpoints");
    if (list != null && !list.isEmpty()) {
      return true;
    }
    String url = redisJson.getString("connectionString");
    return url != null && !url.isBlank();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("endpoints", new JsonArray(new ArrayList<>(endpoints)))
        .put("type", type.name())
        .put("masterName", masterName)
        .put("role", role.name())
        .put("maxPoolSize", maxPoolSize)
        .put("maxPoolWaiting", maxPoolWaiting)
        .put("maxWaitingHandlers", maxWaitingHandlers)
        .put("commandTimeoutMs", commandTimeoutMs)
        .put("connectTimeoutMs", connectTimeoutMs)
        .put("failuresBeforeDown", failuresBeforeDown)
        .put("reconnectInitialBackoffMs", reconnectInitialBackoffMs)
        .put("reconnectMaxBackoffMs", reconnectMaxBackoffMs)
        .put("keyPrefix", keyPrefix)
        .put("clientName", clientName);
  }

  /** The vertx-redis-client options these map to. */
  public RedisOptions toRedisOptions() {
    RedisOptions options = new RedisOptions()
        .setType(type)
        .setEndpoints(new ArrayList<>(endpoints))
        .setMasterName(masterName)
        .setRole(role)
        .setMaxPoolSize(maxPoolSize)
        .setMaxPoolWaiting(maxPoolWaiting)
        .setMaxWaitingHandlers(maxWaitingHandlers)
        // with span export on, the spans are the request's and its upstream calls': not one per cache command
        .setTracingPolicy(TracingPolicy.IGNORE);
    options.getNetClientOptions()
        .setConnectTimeout(connectTimeoutMs)
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true);
    return options;
  }

  /** The endpoints for logs: host and port only, credentials and database dropped. */
  public String redactedEndpoints() {
    List<String> shown = new ArrayList<>();
    for (String endpoint : endpoints) {
      try {
        java.net.URI uri = java.net.URI.create(endpoint);
        shown.add(uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()));
      } catch (IllegalArgumentException e) {
        shown.add("<unparseable endpoint>");
      }
    }
    return String.join(",", shown);
  }

  @Override
  public String toString() {
    return "RedisCacheOptions" + toJson().put("endpoints", redactedEndpoints()).encode();
  }
}
