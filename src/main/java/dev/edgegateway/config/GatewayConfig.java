package dev.edgegateway.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loads the gateway's configuration: the defaults of {@link Settings}, then {@code conf/config.yaml} (if
 * present), then {@code EDGE_*} environment variables (secrets also from files). The result is one JSON tree
 * that every verticle receives as its {@code config()} and reads its own section of.
 */
public final class GatewayConfig {
  public static final String DEFAULT_FILE = "conf/config.yaml";
  public static final String CACHE_OFF = "off";
  public static final String CACHE_MEMORY = "memory";
  public static final String CACHE_REDIS = "redis";

  private GatewayConfig() {
  }

  public static Future<JsonObject> load(Vertx vertx, Path file, Map<String, String> env) {
    if (file == null || !Files.isRegularFile(file)) {
      return Future.succeededFuture(resolve(new JsonObject(), env));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setScanPeriod(0)
        .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
            .setConfig(new JsonObject().put("path", file.toString()))));
    return retriever.getConfig()
        .map(fromFile -> resolve(fromFile, env))
        .eventually(() -> {
          retriever.close();
          return Future.succeededFuture();
        });
  }

  /**
   * Defaults, overlaid with {@code fromFile}, overlaid with the environment (a secret's {@code EDGE_X_FILE}
   * counting as its {@code EDGE_X}, see {@link SecretFiles}).
   */
  public static JsonObject resolve(JsonObject fromFile, Map<String, String> environment) {
    JsonObject config = defaults();
    deepMerge(config, fromFile);
    Map<String, String> env = SecretFiles.apply(environment);
    for (Setting setting : Settings.ALL) {
      String value = env.get(setting.env());
      // `EDGE_HTTP_PORT=` (a blank left in a manifest) means not set; a blank text or list is a value
      // (`EDGE_REDIS_URL=` is no Redis)
      if (value != null && !(value.isBlank() && setting.kind() != Setting.Kind.STRING && setting.kind() != Setting.Kind.LIST)) {
        put(config, setting.path(), parse(setting, value));
      }
    }
    return config;
  }

  public static JsonObject defaults() {
    JsonObject config = new JsonObject();
    for (Setting setting : Settings.ALL) {
      Object value = setting.defaultValue();
      put(config, setting.path(), value instanceof List<?> list ? new JsonArray(list) : value);
    }
    return config;
  }

  /**
   * The cache mode in force: {@code cache.mode} when set ({@code off}, {@code memory}, {@code redis}),
   * else {@code redis} when a Redis URL or Redis endpoints (sentinels, cluster nodes) are configured, else {@code memory}. A {@code redis} mode without a
   * URL still has no Redis to talk to; the cache factory then keeps memory only.
   */
  public static String cacheMode(JsonObject config) {
    String mode = section(config, "cache").getString("mode", "");
    if (!mode.isBlank()) {
      return mode.toLowerCase(java.util.Locale.ROOT);
    }
    Object url = get(config, "cache.redis.connectionString");
    Object endpoints = get(config, "cache.redis.endpoints");
    boolean listed = endpoints instanceof JsonArray list && !list.isEmpty()
        || endpoints instanceof List<?> plain && !plain.isEmpty();
    return url instanceof String s && !s.isBlank() || listed ? CACHE_REDIS : CACHE_MEMORY;
  }

  /** Reads a dotted path, or null. */
  public static Object get(JsonObject config, String path) {
    String[] parts = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.getJsonObject(parts[i]);
      if (node == null) {
        return null;
      }
    }
    return node.getValue(parts[parts.length - 1]);
  }

  public static JsonObject section(JsonObject config, String path) {
    Object value = get(config, path);
    return value instanceof JsonObject json ? json : new JsonObject();
  }

  static void put(JsonObject config, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }

  static void deepMerge(JsonObject target, JsonObject overlay) {
    for (Map.Entry<String, Object> e : overlay) {
      Object current = target.getValue(e.getKey());
      if (current instanceof JsonObject currentJson && e.getValue() instanceof JsonObject overlayJson) {
        deepMerge(currentJson, overlayJson);
      } else {
        target.put(e.getKey(), e.getValue());
      }
    }
  }

  /** true/false, yes/no, on/off or 1/0, any case; anything else stops the start (it used to mean false). */
  private static boolean parseBoolean(Setting setting, String raw, String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException(setting.env() + " must be true or false, got '" + raw + "'");
    };
  }

  static Object parse(Setting setting, String raw) {
    String value = raw.trim();
    try {
      return switch (setting.kind()) {
        case INT -> Integer.parseInt(value);
        case LONG -> Long.parseLong(value);
        case DOUBLE -> Double.parseDouble(value);
        case BOOLEAN -> parseBoolean(setting, raw, value);
        case LIST -> new JsonArray(Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        case STRING -> raw;
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(setting.env() + " must be a number, got '" + raw + "'");
    }
  }
}
