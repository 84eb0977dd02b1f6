package dev.edgegateway.sim;

import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Start-up options of the upstream simulator.
 *
 * <p>JSON form ({@link #toJson()}, {@link #fromJson(JsonObject)}; every key optional, defaults below):
 * <pre>{@code
 * {"host":"127.0.0.1","port":8099,"advertisedAddress":null,"instances":1,
 *  "sessionTtlSeconds":3600,"segmentSeed":0,
 *  "maxStoredEvents":1000,"maxSessions":100000,"configCacheSize":10000,
 *  "maxBodyBytes":65536,"searchMaxBodyBytes":8192,
 *  "klaviyoRateLimits":{"profiles":{"burst":75,"steady":750},"import":{"burst":75,"steady":700},
 *                      "segments":{"burst":3,"steady":60}},"klaviyoRateLimitEnforced":false,
 *  "upstreams":{"visitor":{"latencyMs":0,"jitterMs":0,"fault":"none","slowMs":5000,"retryAfterSeconds":1},
 *               "config":{...},"search":{...},"stats":{...},"klaviyo":{...}}}
 * }</pre>
 * {@code sessionTtlSeconds}, {@code segmentSeed}, {@code klaviyoRateLimitEnforced} and {@code upstreams}
 * are the run-time part, also readable/changeable through {@code GET/PUT /__sim/config}.
 */
public final class SimulatorOptions {

  /** Loopback only by default. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port ({@code 0} = pick a free port, see {@link SimulatorVerticle#actualPort()}). */
  public static final int DEFAULT_PORT = 8099;
  /** Verticle instances sharing one {@link SimulatorState} (one event loop each). */
  public static final int DEFAULT_INSTANCES = 1;
  /** Klevu session {@code segmentInfo.ttl} in seconds. */
  public static final int DEFAULT_SESSION_TTL_SECONDS = 3600;
  /** Salt of the exchange id to segments mapping; change it to make every shopper's segments change. */
  public static final long DEFAULT_SEGMENT_SEED = 0;
  /** How many received analytics events {@code GET /__sim/events} keeps (newest). */
  public static final int DEFAULT_MAX_STORED_EVENTS = 1000;
  /** Max remembered session to exchange id links (older links are evicted in bulk beyond this). */
  public static final int DEFAULT_MAX_SESSIONS = 100_000;
  /** Max cached generated config responses per verticle instance. */
  public static final int DEFAULT_CONFIG_CACHE_SIZE = 10_000;
  /** Any request body above this is refused with 413 before it reaches a handler. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  /** Search bodies above this get 413, as the CDN in front of Klevu search does. */
  public static final int DEFAULT_SEARCH_MAX_BODY_BYTES = 8 * 1024;
  /** When true, a Klaviyo call past its endpoint's burst (per second) or steady (per minute) limit answers 429. */
  public static final boolean DEFAULT_KLAVIYO_RATE_LIMIT_ENFORCED = false;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String advertisedAddress;
  private int instances = DEFAULT_INSTANCES;
  private int sessionTtlSeconds = DEFAULT_SESSION_TTL_SECONDS;
  private long segmentSeed = DEFAULT_SEGMENT_SEED;
  private int maxStoredEvents = DEFAULT_MAX_STORED_EVENTS;
  private int maxSessions = DEFAULT_MAX_SESSIONS;
  private int configCacheSize = DEFAULT_CONFIG_CACHE_SIZE;
  private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  private int searchMaxBodyBytes = DEFAULT_SEARCH_MAX_BODY_BYTES;
  private Map<KlaviyoLimits.Endpoint, KlaviyoLimits.Limit> klaviyoRateLimits = KlaviyoLimits.defaults();
  private boolean klaviyoRateLimitEnforced = DEFAULT_KLAVIYO_RATE_LIMIT_ENFORCED;
  private final EnumMap<Upstream, UpstreamFault> upstreams = new EnumMap<>(Upstream.class);

  public SimulatorOptions() {
    for (Upstream u : Upstream.values()) {
      upstreams.put(u, UpstreamFault.DEFAULT);
    }
  }

  public SimulatorOptions(SimulatorOptions other) {
    this();
    host = other.host;
    port = other.port;
    advertisedAddress = other.advertisedAddress;
    instances = other.instances;
    sessionTtlSeconds = other.sessionTtlSeconds;
    segmentSeed = other.segmentSeed;
    maxStoredEvents = other.maxStoredEvents;
    maxSessions = other.maxSessions;
    configCacheSize = other.configCacheSize;
    maxBodyBytes = other.maxBodyBytes;
    searchMaxBodyBytes = other.searchMaxBodyBytes;
    klaviyoRateLimits = other.klaviyoRateLimits;
    klaviyoRateLimitEnforced = other.klaviyoRateLimitEnforced;
    upstreams.putAll(other.upstreams);
  }

  /** Builds options from JSON (see class doc); unknown keys are rejected with {@link IllegalArgumentException}. */
  public static SimulatorOptions fromJson(JsonObject json) {
    SimulatorOptions o = new SimulatorOptions();
    if (json == null) {
      return o;
    }
    for (String k : json.fieldNames()) {
      Object v = json.getValue(k);
      switch (k) {
        case "host" -> o.setHost(str(k, v));
        case "port" -> o.setPort(integer(k, v));
        case "advertisedAddress" -> o.setAdvertisedAddress(v == null ? null : str(k, v));
        case "instances" -> o.setInstances(integer(k, v));
        case "sessionTtlSeconds" -> o.setSessionTtlSeconds(integer(k, v));
        case "segmentSeed" -> o.setSegmentSeed(integer(k, v));
        case "maxStoredEvents" -> o.setMaxStoredEvents(integer(k, v));
        case "maxSessions" -> o.setMaxSessions(integer(k, v));
        case "configCacheSize" -> o.setConfigCacheSize(integer(k, v));
        case "maxBodyBytes" -> o.setMaxBodyBytes(integer(k, v));
        case "searchMaxBodyBytes" -> o.setSearchMaxBodyBytes(integer(k, v));
        case "klaviyoRateLimits" -> {
          if (!(v instanceof JsonObject limits)) {
            throw new IllegalArgumentException(k + " must be an object");
          }
          o.klaviyoRateLimits = KlaviyoLimits.parse(limits, o.klaviyoRateLimits);
        }
        case "klaviyoRateLimitEnforced" -> {
          if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(k + " must be a boolean");
          }
          o.setKlaviyoRateLimitEnforced(b);
        }
        case "upstreams" -> {
          if (!(v instanceof JsonObject ups)) {
            throw new IllegalArgumentException("upstreams must be an object");
          }
          for (String uk : ups.fieldNames()) {
            if (!(ups.getValue(uk) instanceof JsonObject uj)) {
              throw new IllegalArgumentException("upstreams." + uk + " must be an object");
            }
            if ("all".equals(uk)) {
              for (Upstream u : Upstream.values()) {
                o.upstreams.put(u, o.upstreams.get(u).merge(uj));
              }
            } else {
              Upstream u = Upstream.fromKey(uk);
              o.upstreams.put(u, o.upstreams.get(u).merge(uj));
            }
          }
        }
        default -> throw new IllegalArgumentException("unknown simulator option '" + k + "'");
      }
    }
    return o;
  }

  public JsonObject toJson() {
    JsonObject ups = new JsonObject();
    for (Upstream u : Upstream.values()) {
      ups.put(u.key(), upstreams.get(u).toJson());
    }
    return new JsonObject()
        .put("host", host)
        .put("port", port)
        .put("advertisedAddress", advertisedAddress)
        .put("instances", instances)
        .put("sessionTtlSeconds", sessionTtlSeconds)
        .put("segmentSeed", segmentSeed)
        .put("maxStoredEvents", maxStoredEvents)
        .put("maxSessions", maxSessions)
        .put("configCacheSize", configCacheSize)
        .put("maxBodyBytes", maxBodyBytes)
        .put("searchMaxBodyBytes", searchMaxBodyBytes)
        .put("klaviyoRateLimits", KlaviyoLimits.toJson(klaviyoRateLimits))
        .put("klaviyoRateLimitEnforced", klaviyoRateLimitEnforced)
        .put("upstreams", ups);
  }

  /**
   * Parses command-line style arguments onto these options, for {@code java -jar edge-gateway.jar simulate ...}:
   * {@code --host H}, {@code --port N}, {@code --advertised-address host:port}, {@code --instances N},
   * {@code --ttl SECONDS}, {@code --latency UPSTREAM=MS} (UPSTREAM may be {@code all}),
   * {@code --fault UPSTREAM=MODE}. Also accepts {@code --opt=value}. Unknown flags throw
   * {@link IllegalArgumentException}.
   */
  public SimulatorOptions applyArgs(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      } else {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("missing value for " + a);
        }
        value = args.get(++i);
      }
      switch (a) {
        case "--host" -> setHost(value);
        case "--port" -> setPort(Integer.parseInt(value));
        case "--advertised-address" -> setAdvertisedAddress(value);
        case "--instances" -> setInstances(Integer.parseInt(value));
        case "--ttl" -> setSessionTtlSeconds(Integer.parseInt(value));
        case "--latency", "--fault" -> {
          int e = value.indexOf('=');
          if (e <= 0) {
            throw new IllegalArgumentException(a + " expects UPSTREAM=VALUE, got " + value);
          }
          String up = value.substring(0, e);
          String v = value.substring(e + 1);
          List<Upstream> targets = "all".equals(up) ? List.of(Upstream.values()) : List.of(Upstream.fromKey(up));
          for (Upstream u : targets) {
            if (a.equals("--latency")) {
              setLatencyMs(u, Long.parseLong(v));
            } else {
              setFault(u, FaultMode.fromKey(v));
            }
          }
        }
        default -> throw new IllegalArgumentException("unknown simulator argument " + a);
      }
    }
    return this;
  }

  public String getHost() {
    return host;
  }

  public SimulatorOptions setHost(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  public int getPort() {
    return port;
  }

  /** {@code 0} binds a free port; read it back with {@link SimulatorVerticle#actualPort()}. */
  public SimulatorOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535");
    }
    this.port = port;
    return this;
  }

  /**
   * {@code host:port} (no scheme) the simulator advertises in {@code search.basePath} and Klaviyo links;
   * {@code null} (default) = {@code host:actualPort}, with a wildcard host replaced by {@code 127.0.0.1}.
   */
  public String getAdvertisedAddress() {
    return advertisedAddress;
  }

  public SimulatorOptions setAdvertisedAddress(String advertisedAddress) {
    this.advertisedAddress = advertisedAddress;
    return this;
  }

  public int getInstances() {
    return instances;
  }

  public SimulatorOptions setInstances(int instances) {
    if (instances < 1) {
      throw new IllegalArgumentException("instances must be >= 1");
    }
    this.instances = instances;
    return this;
  }

  public int getSessionTtlSeconds() {
    return sessionTtlSeconds;
  }

  public SimulatorOptions setSessionTtlSeconds(int sessionTtlSeconds) {
    if (sessionTtlSeconds < 0) {
      throw new IllegalArgumentException("sessionTtlSeconds must be >= 0");
    }
    this.sessionTtlSeconds = sessionTtlSeconds;
    return this;
  }

  public long getSegmentSeed() {
    return segmentSeed;
  }

  public SimulatorOptions setSegmentSeed(long segmentSeed) {
    this.segmentSeed = segmentSeed;
    return this;
  }

  public int getMaxStoredEvents() {
    return maxStoredEvents;
  }

  public SimulatorOptions setMaxStoredEvents(int maxStoredEvents) {
    if (maxStoredEvents < 0) {
      throw new IllegalArgumentException("maxStoredEvents must be >= 0");
    }
    this.maxStoredEvents = maxStoredEvents;
    return this;
  }

  public int getMaxSessions() {
    return maxSessions;
  }

  public SimulatorOptions setMaxSessions(int maxSessions) {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be >= 1");
    }
    this.maxSessions = maxSessions;
    return this;
  }

  public int getConfigCacheSize() {
    return configCacheSize;
  }

  public SimulatorOptions setConfigCacheSize(int configCacheSize) {
    if (configCacheSize < 0) {
      throw new IllegalArgumentException("configCacheSize must be >= 0");
    }
    this.configCacheSize = configCacheSize;
    return this;
  }

  public int getMaxBodyBytes() {
    return maxBodyBytes;
  }

  public SimulatorOptions setMaxBodyBytes(int maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1");
    }
    this.maxBodyBytes = maxBodyBytes;
    return this;
  }

  public int getSearchMaxBodyBytes() {
    return searchMaxBodyBytes;
  }

  public SimulatorOptions setSearchMaxBodyBytes(int searchMaxBodyBytes) {
    if (searchMaxBodyBytes < 1) {
      throw new IllegalArgumentException("searchMaxBodyBytes must be >= 1");
    }
    this.searchMaxBodyBytes = searchMaxBodyBytes;
    return this;
  }

  /** Klaviyo's rate limits per endpoint: {@code {"profiles"|"import"|"segments": {"burst": n, "steady": n}}}. */
  public JsonObject getKlaviyoRateLimits() {
    return KlaviyoLimits.toJson(klaviyoRateLimits);
  }

  /** Sets the given endpoints' limits over the current ones (same form as {@link #getKlaviyoRateLimits()}). */
  public SimulatorOptions setKlaviyoRateLimits(JsonObject limits) {
    this.klaviyoRateLimits = KlaviyoLimits.parse(limits, klaviyoRateLimits);
    return this;
  }

  Map<KlaviyoLimits.Endpoint, KlaviyoLimits.Limit> klaviyoLimits() {
    return klaviyoRateLimits;
  }

  public boolean isKlaviyoRateLimitEnforced() {
    return klaviyoRateLimitEnforced;
  }

  public SimulatorOptions setKlaviyoRateLimitEnforced(boolean klaviyoRateLimitEnforced) {
    this.klaviyoRateLimitEnforced = klaviyoRateLimitEnforced;
    return this;
  }

  public UpstreamFault getUpstream(Upstream upstream) {
    return upstreams.get(upstream);
  }

  /** A copy of all per-upstream settings. */
  public Map<Upstream, UpstreamFault> getUpstreams() {
    return new EnumMap<>(upstreams);
  }

  public SimulatorOptions setUpstream(Upstream upstream, UpstreamFault settings) {
    upstreams.put(Objects.requireNonNull(upstream), Objects.requireNonNull(settings));
    return this;
  }

  public SimulatorOptions setLatencyMs(Upstream upstream, long latencyMs) {
    return setUpstream(upstream, upstreams.get(upstream).withLatencyMs(latencyMs));
  }

  /** Sets the same latency on every upstream. */
  public SimulatorOptions setLatencyMs(long latencyMs) {
    for (Upstream u : Upstream.values()) {
      setLatencyMs(u, latencyMs);
    }
    return this;
  }

  public SimulatorOptions setFault(Upstream upstream, FaultMode fault) {
    return setUpstream(upstream, upstreams.get(upstream).withFault(fault));
  }

  private static String str(String k, Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(k + " must be a string");
  }

  private static int integer(String k, Object v) {
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= Integer.MIN_VALUE && n.longValue() <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    throw new IllegalArgumentException(k + " must be an integer");
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
