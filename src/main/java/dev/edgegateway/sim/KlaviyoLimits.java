package dev.edgegateway.sim;

import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Klaviyo's per-endpoint rate limits (docs/upstream-apis.md §1): a burst window of one second and a steady window
 * of one minute, per endpoint, counted whether or not they are enforced (the {@code RateLimit-*} headers always
 * show them). Defaults are Klaviyo's published tiers for the three endpoints the gateway calls.
 */
final class KlaviyoLimits {

  /** The Klaviyo endpoints the simulator serves, with Klaviyo's default limits. */
  enum Endpoint {
    /** {@code GET /api/profiles}: 75/s burst, 750/min steady. */
    PROFILES("profiles", 75, 750),
    /** {@code POST /api/profile-import}: 75/s burst, 700/min steady. */
    IMPORT("import", 75, 700),
    /** {@code GET /api/profiles/{id}/segments}: 3/s burst, 60/min steady. */
    SEGMENTS("segments", 3, 60);

    final String key;
    final Limit defaults;

    Endpoint(String key, int burst, int steady) {
      this.key = key;
      this.defaults = new Limit(burst, steady);
    }
  }

  /** Calls allowed per second ({@code burst}) and per minute ({@code steady}). */
  record Limit(int burst, int steady) {
    Limit {
      if (burst < 1 || steady < 1) {
        throw new IllegalArgumentException("Klaviyo rate limits must be >= 1");
      }
    }

    JsonObject toJson() {
      return new JsonObject().put("burst", burst).put("steady", steady);
    }

    /** This limit with the fields a JSON patch gives. */
    Limit merge(JsonObject patch) {
      int b = burst;
      int s = steady;
      for (String k : patch.fieldNames()) {
        Object v = patch.getValue(k);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new IllegalArgumentException("Klaviyo rate limit " + k + " must be an integer");
        }
        switch (k) {
          case "burst" -> b = n.intValue();
          case "steady" -> s = n.intValue();
          default -> throw new IllegalArgumentException("unknown Klaviyo rate limit field '" + k + "'");
        }
      }
      return new Limit(b, s);
    }
  }

  /** What one call used: the tighter of the two windows decides. */
  record Use(int limit, long remaining, int resetSeconds, boolean over) {
  }

  private final Map<Endpoint, Limit> limits;
  private final EnumMap<Endpoint, Window> seconds = new EnumMap<>(Endpoint.class);
  private final EnumMap<Endpoint, Window> minutes = new EnumMap<>(Endpoint.class);

  KlaviyoLimits(Map<Endpoint, Limit> limits) {
    this.limits = new EnumMap<>(limits);
    for (Endpoint e : Endpoint.values()) {
      this.limits.putIfAbsent(e, e.defaults);
      seconds.put(e, new Window(1_000));
      minutes.put(e, new Window(60_000));
    }
  }

  /** Parses {@code {"profiles":{"burst":n,"steady":n},...}} over {@code base}. */
  static Map<Endpoint, Limit> parse(JsonObject json, Map<Endpoint, Limit> base) {
    EnumMap<Endpoint, Limit> out = new EnumMap<>(Endpoint.class);
    out.putAll(base);
    for (String k : json.fieldNames()) {
      Endpoint endpoint = null;
      for (Endpoint e : Endpoint.values()) {
        if (e.key.equals(k)) {
          endpoint = e;
        }
      }
      if (endpoint == null || !(json.getValue(k) instanceof JsonObject patch)) {
        throw new IllegalArgumentException("klaviyoRateLimits." + k + " is not profiles, import or segments with an object");
      }
      out.put(endpoint, out.getOrDefault(endpoint, endpoint.defaults).merge(patch));
    }
    return out;
  }

  static Map<Endpoint, Limit> defaults() {
    EnumMap<Endpoint, Limit> out = new EnumMap<>(Endpoint.class);
    for (Endpoint e : Endpoint.values()) {
      out.put(e, e.defaults);
    }
    return out;
  }

  static JsonObject toJson(Map<Endpoint, Limit> limits) {
    JsonObject out = new JsonObject();
    for (Endpoint e : Endpoint.values()) {
      out.put(e.key, limits.getOrDefault(e, e.defaults).toJson());
    }
    return out;
  }

  /** Counts one call to {@code endpoint} at {@code nowMillis}. */
  Use use(Endpoint endpoint, long nowMillis) {
    Limit limit = limits.get(endpoint);
    long inSecond = seconds.get(endpoint).count(nowMillis);
    long inMinute = minutes.get(endpoint).count(nowMillis);
    long burstLeft = limit.burst() - inSecond;
    long steadyLeft = limit.steady() - inMinute;
    if (steadyLeft < burstLeft) {
      int reset = (int) Math.max(1, (60_000 - nowMillis % 60_000 + 999) / 1000);
      return new Use(limit.steady(), Math.max(0, steadyLeft), reset, steadyLeft < 0);
    }
    return new Use(limit.burst(), Math.max(0, burstLeft), 1, burstLeft < 0);
  }

  /** A fixed window: the calls counted since the window holding {@code now} began. */
  private static final class Window {
    private final long widthMillis;
    private final AtomicLong start = new AtomicLong(-1);
    private final AtomicLong count = new AtomicLong();

    Window(long widthMillis) {
      this.widthMillis = widthMillis;
    }

    long count(long nowMillis) {
      long window = nowMillis / widthMillis;
      long current = start.get();
      if (current != window && start.compareAndSet(current, window)) {
        count.set(0);
      }
      return count.incrementAndGet();
    }
  }
}
