package dev.edgegateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed, validated reads of a {@link Setting} from the configuration tree: the one place where a value is
 * checked, and where a bad one is reported with its config path and its environment variable. Every
 * component's options are built from one of these. A partial tree (a test's few keys) is read over
 * {@link GatewayConfig#defaults()}, so every default comes from {@link Settings} alone.
 */
public final class ConfigReader {
  private static final String UPSTREAM_DEFAULTS = "upstream.defaults.";

  private final JsonObject tree;
  /** When set, {@code upstream.<upstream>.<key>} overrides {@code upstream.defaults.<key>}. */
  private final String upstream;

  private ConfigReader(JsonObject tree, String upstream) {
    this.tree = tree;
    this.upstream = upstream;
  }

  /** Reads {@code config} (the whole tree, or part of it) over the defaults; null reads the defaults. */
  public static ConfigReader of(JsonObject config) {
    JsonObject tree = GatewayConfig.defaults();
    if (config != null) {
      GatewayConfig.deepMerge(tree, config);
    }
    return new ConfigReader(tree, null);
  }

  public static ConfigReader defaults() {
    return of(null);
  }

  /** A copy of this reader with {@code setting} set to {@code value}: a variant of a config, by setting name. */
  public ConfigReader with(Setting setting, Object value) {
    JsonObject copy = tree.copy();
    GatewayConfig.put(copy, setting.path(), value instanceof List<?> list ? new JsonArray(new ArrayList<>(list)) : value);
    return new ConfigReader(copy, upstream);
  }

  /** The settings of one upstream: {@code upstream.defaults} overlaid with {@code upstream.<name>}. */
  public ConfigReader forUpstream(String name) {
    return new ConfigReader(tree, name);
  }

  /** The cache mode in force ({@link GatewayConfig#cacheMode}). */
  public String cacheMode() {
    return GatewayConfig.cacheMode(tree);
  }

  public String string(Setting setting) {
    Object value = value(setting);
    if (value == null) {
      return "";
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      throw invalid(setting, "must be a text");
    }
    return value.toString();
  }

  /** The text, or the setting's default when it is blank. */
  public String stringOrDefault(Setting setting) {
    String value = string(setting);
    return value.isBlank() ? String.valueOf(setting.defaultValue()) : value;
  }

  public boolean bool(Setting setting) {
    Object value = value(setting);
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1":
          return true;
        case "false", "no", "off", "0":
          return false;
        default:
          break;
      }
    }
    throw invalid(setting, "must be true or false, got '" + value + "'");
  }

  public long longValue(Setting setting) {
    return longBetween(setting, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public long positiveLong(Setting setting) {
    return longBetween(setting, 1, Long.MAX_VALUE);
  }

  public long nonNegativeLong(Setting setting) {
    return longBetween(setting, 0, Long.MAX_VALUE);
  }

  public int intValue(Setting setting) {
    return (int) longBetween(setting, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  public int positiveInt(Setting setting) {
    return (int) longBetween(setting, 1, Integer.MAX_VALUE);
  }

  public int nonNegativeInt(Setting setting) {
    return (int) longBetween(setting, 0, Integer.MAX_VALUE);
  }

  public int intBetween(Setting setting, int min, int max) {
    return (int) longBetween(setting, min, max);
  }

  public long longBetween(Setting setting, long min, long max) {
    String where = where(setting);
    return checkRange(where, wholeNumber(value(setting), where), min, max);
  }

  public double doubleValue(Setting setting) {
    Object value = value(setting);
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw invalid(setting, "must be a number, got '" + value + "'");
  }

  /** A list given as an array or as comma-separated text; entries trimmed, empty ones dropped. */
  public List<String> list(Setting setting) {
    Object value = value(setting);
    List<String> entries = new ArrayList<>();
    if (value instanceof JsonArray array) {
      array.forEach(e -> entries.add(String.valueOf(e)));
    } else if (value instanceof String s) {
      entries.addAll(List.of(s.split(",")));
    } else if (value != null) {
      throw invalid(setting, "must be a list");
    }
    return entries.stream().map(String::trim).filter(e -> !e.isEmpty()).toList();
  }

  /** An absolute http(s) URL with a host; blank means the setting's default. */
  public String httpUrl(Setting setting) {
    String url = stringOrDefault(setting).trim();
    try {
      URI uri = new URI(url);
      if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        return url;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw invalid(setting, "must be an absolute http(s) URL, got '" + url + "'");
  }

  /** The enum constant named by the text, in any case. */
  public <E extends Enum<E>> E enumValue(Setting setting, Class<E> type) {
    String name = stringOrDefault(setting).trim().toUpperCase(Locale.ROOT);
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw invalid(setting, "must be one of " + List.of(type.getEnumConstants()) + ", got '" + name + "'");
    }
  }

  /** A non-negative whole number at {@code path} (a key no setting names, e.g. a per-cache override), or null. */
  public Long optionalNonNegativeLong(String path) {
    Object value = at(path);
    return value == null ? null : checkRange(path, wholeNumber(value, path), 0, Long.MAX_VALUE);
  }

  private Object value(Setting setting) {
    if (upstream != null && setting.path().startsWith(UPSTREAM_DEFAULTS)) {
      Object own = at(ownUpstreamPath(setting));
      if (own != null) {
        return own;
      }
    }
    return at(setting.path());
  }

  private String ownUpstreamPath(Setting setting) {
    return "upstream." + upstream + "." + setting.path().substring(UPSTREAM_DEFAULTS.length());
  }

  private String where(Setting setting) {
    String path = setting.path();
    if (upstream != null && path.startsWith(UPSTREAM_DEFAULTS) && at(ownUpstreamPath(setting)) != null) {
      path = ownUpstreamPath(setting);
    }
    return path + " (" + setting.env() + ")";
  }

  private IllegalArgumentException invalid(Setting setting, String problem) {
    return new IllegalArgumentException(where(setting) + " " + problem);
  }

  private Object at(String path) {
    String[] parts = path.split("\\.");
    JsonObject node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.getValue(parts[i]);
      if (child == null) {
        return null;
      }
      if (!(child instanceof JsonObject json)) {
        throw new IllegalArgumentException("config section '" + String.join(".", List.of(parts).subList(0, i + 1))
            + "' must be an object");
      }
      node = json;
    }
    return node.getValue(parts[parts.length - 1]);
  }

  private static long wholeNumber(Object value, String where) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(where + " must be a whole number, got '" + value + "'");
  }

  private static long checkRange(String where, long value, long min, long max) {
    if (value < min || value > max) {
      String range = max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
      throw new IllegalArgumentException(where + " must be " + range + ", got " + value);
    }
    return value;
  }
}
