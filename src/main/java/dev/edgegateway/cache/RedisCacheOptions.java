package dev.edgegateway.cache;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Options of the Redis tier (one {@link RedisBackend}: one client, one connection pool). JSON keys are the
 * property names, e.g. {@code {"connectionString": "redis://10.0.0.5:6379", "commandTimeoutMs": 50}}.
 * A connection string may carry credentials ({@code redis://:secret@host:6379/0}); they are never logged.
 */
public final class RedisCacheOptions {
  /** Where Redis listens when nothing else is configured. */
  public static final String DEFAULT_CONNECTION_STRING = "redis://127.0.0.1:6379";
  /** A single Redis server (or a proxy in front of several). */
  public static final RedisClientType DEFAULT_TYPE = RedisClientType.STANDALONE;
  /** Sentinel only: the name of the monitored master. */
  public static final String DEFAULT_MASTER_NAME = "mymaster";
  /** Sentinel only: which node to talk to; the cache writes, so the master. */
  public static final RedisRole DEFAULT_ROLE = RedisRole.MASTER;
  /**
   * Connections in the pool (per endpoint), all event loops together. The pooled client sends one command
   * per connection at a time, so this is also the number of commands in the air at once.
   */
  public static final int DEFAULT_MAX_POOL_SIZE = 16;
  /** Commands that may wait for a pooled connection before the pool rejects new ones (a fast failure). */
  public static final int DEFAULT_MAX_POOL_WAITING = 1_024;
  /** Commands that may be in the air on one connection before the client rejects new ones. */
  public static final int DEFAULT_MAX_WAITING_HANDLERS = 2_048;
  /** Bound on every cache command, connection wait included: Redis can never hold a request longer. */
  public static final long DEFAULT_COMMAND_TIMEOUT_MS = 50;
  /** TCP connect timeout of new pooled connections; also bounds a recovery probe. */
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 500;
  /** Consecutive failed or timed-out commands after which Redis is considered down. */
  public static final int DEFAULT_FAILURES_BEFORE_DOWN = 3;
  /** First pause between recovery probes (PING) while Redis is down; doubled after each failed probe. */
  public static final long DEFAULT_RECONNECT_INITIAL_BACKOFF_MS = 100;
  /** Longest pause between recovery probes. */
  public static final long DEFAULT_RECONNECT_MAX_BACKOFF_MS = 1_000;
  /** Prefix of every key: namespace and format version, bumped when the stored format changes. */
  public static final String DEFAULT_KEY_PREFIX = "edge:v1:";
  /** Value of the {@code client} metric tag, to tell several Redis clients of one process apart. */
  public static final String DEFAULT_CLIENT_NAME = "default";

  private List<String> endpoints = new ArrayList<>(List.of(DEFAULT_CONNECTION_STRING));
  private RedisClientType type = DEFAULT_TYPE;
  private String masterName = DEFAULT_MASTER_NAME;
  private RedisRole role = DEFAULT_ROLE;
  private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
  private int maxPoolWaiting = DEFAULT_MAX_POOL_WAITING;
  private int maxWaitingHandlers = DEFAULT_MAX_WAITING_HANDLERS;
  private long commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  private int failuresBeforeDown = DEFAULT_FAILURES_BEFORE_DOWN;
  private long reconnectInitialBackoffMs = DEFAULT_RECONNECT_INITIAL_BACKOFF_MS;
  private long reconnectMaxBackoffMs = DEFAULT_RECONNECT_MAX_BACKOFF_MS;
  private String keyPrefix = DEFAULT_KEY_PREFIX;
  private String clientName = DEFAULT_CLIENT_NAME;

  public RedisCacheOptions() {
  }

  public RedisCacheOptions(RedisCacheOptions other) {
    this(other.toJson());
  }

  /**
   * Reads the options from JSON. {@code endpoints} (an array) wins over {@code connectionString};
   * {@code type} and {@code role} are case-insensitive enum names.
   */
  public RedisCacheOptions(JsonObject json) {
    JsonArray list = json.getJsonArray("endpoints");
    if (list != null && !list.isEmpty()) {
      List<String> given = new ArrayList<>();
      list.forEach(e -> given.add(String.valueOf(e)));
      setEndpoints(given);
    } else {
      setConnectionString(json.getString("connectionString", DEFAULT_CONNECTION_STRING));
    }
    setType(RedisClientType.valueOf(json.getString("type", DEFAULT_TYPE.name()).toUpperCase(Locale.ROOT)));
    setMasterName(json.getString("masterName", DEFAULT_MASTER_NAME));
    setRole(RedisRole.valueOf(json.getString("role", DEFAULT_ROLE.name()).toUpperCase(Locale.ROOT)));
    setMaxPoolSize(json.getInteger("maxPoolSize", DEFAULT_MAX_POOL_SIZE));
    setMaxPoolWaiting(json.getInteger("maxPoolWaiting", DEFAULT_MAX_POOL_WAITING));
    setMaxWaitingHandlers(json.getInteger("maxWaitingHandlers", DEFAULT_MAX_WAITING_HANDLERS));
    setCommandTimeoutMs(json.getLong("commandTimeoutMs", DEFAULT_COMMAND_TIMEOUT_MS));
    setConnectTimeoutMs(json.getInteger("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT_MS));
    setFailuresBeforeDown(json.getInteger("failuresBeforeDown", DEFAULT_FAILURES_BEFORE_DOWN));
    setReconnectInitialBackoffMs(json.getLong("reconnectInitialBackoffMs", DEFAULT_RECONNECT_INITIAL_BACKOFF_MS));
    setReconnectMaxBackoffMs(json.getLong("reconnectMaxBackoffMs", DEFAULT_RECONNECT_MAX_BACKOFF_MS));
    setKeyPrefix(json.getString("keyPrefix", DEFAULT_KEY_PREFIX));
    setClientName(json.getString("clientName", DEFAULT_CLIENT_NAME));
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
        .setMaxWaitingHandlers(maxWaitingHandlers);
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

  /** Redis connection strings: one for standalone, the sentinels or the cluster seed nodes otherwise. */
  public List<String> getEndpoints() {
    return endpoints;
  }

  public RedisCacheOptions setEndpoints(List<String> endpoints) {
    if (endpoints == null || endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one Redis endpoint is needed");
    }
    this.endpoints = new ArrayList<>(endpoints);
    return this;
  }

  /** Replaces the endpoints with this one connection string. */
  public RedisCacheOptions setConnectionString(String connectionString) {
    if (connectionString == null || connectionString.isBlank()) {
      throw new IllegalArgumentException("connectionString must not be blank");
    }
    this.endpoints = new ArrayList<>(List.of(connectionString));
    return this;
  }

  /** Adds an endpoint (another sentinel or cluster seed). */
  public RedisCacheOptions addConnectionString(String connectionString) {
    this.endpoints.add(connectionString);
    return this;
  }

  /** STANDALONE, SENTINEL or CLUSTER. */
  public RedisClientType getType() {
    return type;
  }

  public RedisCacheOptions setType(RedisClientType type) {
    this.type = java.util.Objects.requireNonNull(type, "type");
    return this;
  }

  /** Sentinel master name. */
  public String getMasterName() {
    return masterName;
  }

  public RedisCacheOptions setMasterName(String masterName) {
    this.masterName = masterName;
    return this;
  }

  /** Sentinel role to connect to. */
  public RedisRole getRole() {
    return role;
  }

  public RedisCacheOptions setRole(RedisRole role) {
    this.role = java.util.Objects.requireNonNull(role, "role");
    return this;
  }

  /** Pooled connections per endpoint. */
  public int getMaxPoolSize() {
    return maxPoolSize;
  }

  public RedisCacheOptions setMaxPoolSize(int maxPoolSize) {
    this.maxPoolSize = positive(maxPoolSize, "maxPoolSize");
    return this;
  }

  /** Requests waiting for a pooled connection before new ones are rejected. */
  public int getMaxPoolWaiting() {
    return maxPoolWaiting;
  }

  public RedisCacheOptions setMaxPoolWaiting(int maxPoolWaiting) {
    this.maxPoolWaiting = positive(maxPoolWaiting, "maxPoolWaiting");
    return this;
  }

  /** Commands in the air per connection before new ones are rejected. */
  public int getMaxWaitingHandlers() {
    return maxWaitingHandlers;
  }

  public RedisCacheOptions setMaxWaitingHandlers(int maxWaitingHandlers) {
    this.maxWaitingHandlers = positive(maxWaitingHandlers, "maxWaitingHandlers");
    return this;
  }

  /** Bound on each command (GET, SET, DEL), including the wait for a connection. */
  public long getCommandTimeoutMs() {
    return commandTimeoutMs;
  }

  public RedisCacheOptions setCommandTimeoutMs(long commandTimeoutMs) {
    this.commandTimeoutMs = positive(commandTimeoutMs, "commandTimeoutMs");
    return this;
  }

  /** TCP connect timeout of new connections; also the bound on one recovery probe. */
  public int getConnectTimeoutMs() {
    return connectTimeoutMs;
  }

  public RedisCacheOptions setConnectTimeoutMs(int connectTimeoutMs) {
    this.connectTimeoutMs = positive(connectTimeoutMs, "connectTimeoutMs");
    return this;
  }

  /** Consecutive failures (errors or timeouts) that mark Redis down; a refused connection does at once. */
  public int getFailuresBeforeDown() {
    return failuresBeforeDown;
  }

  public RedisCacheOptions setFailuresBeforeDown(int failuresBeforeDown) {
    this.failuresBeforeDown = positive(failuresBeforeDown, "failuresBeforeDown");
    return this;
  }

  /** First pause between recovery probes. */
  public long getReconnectInitialBackoffMs() {
    return reconnectInitialBackoffMs;
  }

  public RedisCacheOptions setReconnectInitialBackoffMs(long reconnectInitialBackoffMs) {
    this.reconnectInitialBackoffMs = positive(reconnectInitialBackoffMs, "reconnectInitialBackoffMs");
    return this;
  }

  /** Longest pause between recovery probes. */
  public long getReconnectMaxBackoffMs() {
    return reconnectMaxBackoffMs;
  }

  public RedisCacheOptions setReconnectMaxBackoffMs(long reconnectMaxBackoffMs) {
    this.reconnectMaxBackoffMs = positive(reconnectMaxBackoffMs, "reconnectMaxBackoffMs");
    return this;
  }

  /** Prepended to every key: {@code <prefix><key>}. */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  public RedisCacheOptions setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix == null ? "" : keyPrefix;
    return this;
  }

  /**
   * The {@code client} tag of the Redis metrics. Give each backend of one process its own name: the
   * {@code edge_redis_up} gauge of a second backend with the same name would not be registered.
   */
  public String getClientName() {
    return clientName;
  }

  public RedisCacheOptions setClientName(String clientName) {
    this.clientName = java.util.Objects.requireNonNull(clientName, "clientName");
    return this;
  }

  private static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return value;
  }

  private static long positive(long value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return value;
  }
}
