package dev.edgegateway.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything the simulator remembers, shared by all {@link SimulatorVerticle} instances that were given the
 * same object (thread-safe, lock-free on the hot path except the small event ring).
 *
 * <ul>
 *   <li>counters ({@link SimCounter}), current and max in-flight requests per upstream;</li>
 *   <li>run-time config: per-upstream {@link UpstreamFault}, session ttl, segment seed, Klaviyo rate-limit
 *       enforcement ({@link #runtimeConfigJson()}, {@link #applyRuntimeConfig(JsonObject)});</li>
 *   <li>Klevu session to exchange id links, Klaviyo imported profiles (bounded);</li>
 *   <li>the last {@code maxStoredEvents} analytics events.</li>
 * </ul>
 */
public final class SimulatorState {

  private final EnumMap<SimCounter, LongAdder> counters = new EnumMap<>(SimCounter.class);
  private final EnumMap<Upstream, AtomicLong> inFlight = new EnumMap<>(Upstream.class);
  private final EnumMap<Upstream, LongAccumulator> inFlightMax = new EnumMap<>(Upstream.class);
  private final EnumMap<Upstream, AtomicLong> flakyCalls = new EnumMap<>(Upstream.class);
  /** The {@code traceparent} of the latest request to each upstream ({@code GET /__sim/headers}). */
  private final EnumMap<Upstream, AtomicReference<String>> lastTraceparent = new EnumMap<>(Upstream.class);
  /** Copy-on-write: replaced as a whole on every change. */
  private volatile Map<Upstream, UpstreamFault> faults;
  private volatile int sessionTtlSeconds;
  private volatile long segmentSeed;
  private volatile boolean klaviyoRateLimitEnforced;
  /**
   * Whether Klevu requests must have the shapes {@code @klevu/core} sends (see {@link KlevuShapes}); a load test
   * that runs an older gateway build beside this one turns it off, so both are answered alike.
   */
  private volatile boolean strictShapes = true;
  private final KlaviyoLimits klaviyoLimits;

  private final int maxSessions;
  private final ConcurrentHashMap<String, String> sessionExchangeIds = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> kxToEmail = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, JsonObject> importedProfiles = new ConcurrentHashMap<>();

  private final int maxStoredEvents;
  private final JsonObject[] eventRing;
  /** The latest config, search and collect requests, as many as events are kept. */
  private final RequestLog requests;
  private long eventsWritten; // guarded by eventRing


  /** State seeded with the defaults of {@link SimulatorOptions}. */
  public SimulatorState() {
    this(new SimulatorOptions());
  }

  /** State seeded from {@code options}' run-time part and sizes. */
  public SimulatorState(SimulatorOptions options) {
    for (SimCounter c : SimCounter.values()) {
      counters.put(c, new LongAdder());
    }
    for (Upstream u : Upstream.values()) {
      inFlight.put(u, new AtomicLong());
      inFlightMax.put(u, new LongAccumulator(Math::max, 0));
      flakyCalls.put(u, new AtomicLong());
      lastTraceparent.put(u, new AtomicReference<>());
    }
    this.faults = new EnumMap<>(options.getUpstreams());
    this.sessionTtlSeconds = options.getSessionTtlSeconds();
    this.segmentSeed = options.getSegmentSeed();
    this.klaviyoRateLimitEnforced = options.isKlaviyoRateLimitEnforced();
    this.klaviyoLimits = new KlaviyoLimits(options.klaviyoLimits());
    this.maxSessions = options.getMaxSessions();
    this.maxStoredEvents = options.getMaxStoredEvents();
    this.eventRing = new JsonObject[Math.max(1, maxStoredEvents)];
    this.requests = new RequestLog(maxStoredEvents);
  }

  // ---------------------------------------------------------------- counters

  /** Current value of a counter. */
  public long count(SimCounter counter) {
    return counters.get(counter).sum();
  }

  public void increment(SimCounter counter) {
    counters.get(counter).increment();
  }

  public void add(SimCounter counter, long n) {
    counters.get(counter).add(n);
  }

  /** Requests of {@code upstream} currently being handled (including those waiting on a latency timer). */
  public long inFlight(Upstream upstream) {
    return inFlight.get(upstream).get();
  }

  /** Highest {@link #inFlight(Upstream)} seen since start or the last {@link #reset()}. */
  public long inFlightMax(Upstream upstream) {
    return inFlightMax.get(upstream).get();
  }

  void enter(Upstream upstream) {
    long n = inFlight.get(upstream).incrementAndGet();
    inFlightMax.get(upstream).accumulate(n);
  }

  void exit(Upstream upstream) {
    inFlight.get(upstream).decrementAndGet();
  }

  /** Keeps the {@code traceparent} a request to {@code upstream} sent (null when it sent none). */
  void sawTraceparent(Upstream upstream, String traceparent) {
    lastTraceparent.get(upstream).set(traceparent);
  }

  /**
   * The {@code GET /__sim/headers} document: {@code {"traceparent": {"<upstream>": <the latest one or null>}}},
   * what a test reads to see the trace context reach the upstreams.
   */
  public JsonObject headersJson() {
    JsonObject traceparents = new JsonObject();
    for (Upstream u : Upstream.values()) {
      traceparents.put(u.key(), lastTraceparent.get(u).get());
    }
    return new JsonObject().put("traceparent", traceparents);
  }

  /**
   * The {@code GET /__sim/stats} document: {@code session, config, search, collect, events, profiles}, then
   * {@code faulted}, {@code rejected}, {@code inFlight{..}}, {@code inFlightMax{..}}, {@code sessionsStored},
   * {@code eventsStored}.
   */
  public JsonObject statsJson() {
    JsonObject j = new JsonObject();
    for (SimCounter c : SimCounter.values()) {
      j.put(c.key(), count(c));
    }
    JsonObject cur = new JsonObject();
    JsonObject max = new JsonObject();
    for (Upstream u : Upstream.values()) {
      cur.put(u.key(), inFlight(u));
      max.put(u.key(), inFlightMax(u));
    }
    j.put("inFlight", cur).put("inFlightMax", max);
    j.put("sessionsStored", sessionExchangeIds.size());
    j.put("eventsStored", storedEventCount());
    return j;
  }

  /**
   * Zeroes counters and max in-flight, drops stored events, recorded requests and the latest trace headers, and restarts every flaky
   * alternation. Sessions, imported profiles and the run-time config are kept.
   */
  public void reset() {
    counters.values().forEach(LongAdder::reset);
    for (Upstream u : Upstream.values()) {
      inFlightMax.get(u).reset();
      inFlightMax.get(u).accumulate(inFlight(u));
      flakyCalls.get(u).set(0);
      lastTraceparent.get(u).set(null);
    }
    synchronized (eventRing) {
      java.util.Arrays.fill(eventRing, null);
      eventsWritten = 0;
    }
    synchronized (seenEvents) {
      seenEvents.clear();
    }
    requests.clear();
  }

  /** The request log of the Klevu config, search and collect endpoints. */
  RequestLog requests() {
    return requests;
  }

  /**
   * The {@code GET /__sim/requests} document: recorded requests after sequence number {@code after}, of one upstream
   * or all, oldest first: {@code [{"seq","upstream","method","path","query","traceId","status","body","truncated"}]}.
   */
  public JsonArray requestsJson(Upstream upstream, long after, int limit) {
    return requests.toJson(upstream, after, limit);
  }

  // ---------------------------------------------------------------- run-time config

  public UpstreamFault fault(Upstream upstream) {
    return faults.get(upstream);
  }

  /** Replaces one upstream's settings; restarts its flaky alternation. */
  public synchronized void setFault(Upstream upstream, UpstreamFault settings) {
    EnumMap<Upstream, UpstreamFault> next = new EnumMap<>(faults);
    next.put(upstream, settings);
    faults = next;
    flakyCalls.get(upstream).set(0);
  }

  public int sessionTtlSeconds() {
    return sessionTtlSeconds;
  }

  public void setSessionTtlSeconds(int ttl) {
    if (ttl < 0) {
      throw new IllegalArgumentException("sessionTtlSeconds must be >= 0");
    }
    this.sessionTtlSeconds = ttl;
  }

  public long segmentSeed() {
    return segmentSeed;
  }

  public void setSegmentSeed(long seed) {
    this.segmentSeed = seed;
  }

  public boolean klaviyoRateLimitEnforced() {
    return klaviyoRateLimitEnforced;
  }

  public void setKlaviyoRateLimitEnforced(boolean enforced) {
    this.klaviyoRateLimitEnforced = enforced;
  }

  public boolean strictShapes() {
    return strictShapes;
  }

  /**
   * The {@code GET /__sim/config} document:
   * {@code {"sessionTtlSeconds":3600,"segmentSeed":0,"klaviyoRateLimitEnforced":false,"upstreams":{"visitor":{...},...}}}.
   */
  public JsonObject runtimeConfigJson() {
    Map<Upstream, UpstreamFault> f = faults;
    JsonObject ups = new JsonObject();
    for (Upstream u : Upstream.values()) {
      ups.put(u.key(), f.get(u).toJson());
    }
    return new JsonObject()
        .put("sessionTtlSeconds", sessionTtlSeconds)
        .put("segmentSeed", segmentSeed)
        .put("klaviyoRateLimitEnforced", klaviyoRateLimitEnforced)
        .put("strictShapes", strictShapes)
        .put("upstreams", ups);
  }

  /**
   * Applies a partial run-time config (the {@code PUT /__sim/config} body): any of {@code sessionTtlSeconds},
   * {@code segmentSeed}, {@code klaviyoRateLimitEnforced}, {@code strictShapes}, {@code upstreams:{<name>|all:{partial settings}}}.
   * Upstream names may also be given at top level ({@code {"search":{"fault":"error"}}}). All-or-nothing:
   * on any invalid value nothing changes and {@link IllegalArgumentException} is thrown. Upstreams whose
   * settings are touched restart their flaky alternation.
   */
  public synchronized void applyRuntimeConfig(JsonObject patch) {
    EnumMap<Upstream, UpstreamFault> next = new EnumMap<>(faults);
    EnumMap<Upstream, Boolean> touched = new EnumMap<>(Upstream.class);
    Integer ttl = null;
    Long seed = null;
    Boolean enforce = null;
    Boolean strict = null;
    for (String k : patch.fieldNames()) {
      Object v = patch.getValue(k);
      switch (k) {
        case "sessionTtlSeconds" -> {
          if (!(v instanceof Number n) || n.intValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("sessionTtlSeconds must be an integer >= 0");
          }
          ttl = n.intValue();
        }
        case "segmentSeed" -> {
          if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("segmentSeed must be an integer");
          }
          seed = n.longValue();
        }
        case "klaviyoRateLimitEnforced" -> {
          if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("klaviyoRateLimitEnforced must be a boolean");
          }
          enforce = b;
        }
        case "strictShapes" -> {
          if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("strictShapes must be a boolean");
          }
          strict = b;
        }
        case "upstreams" -> {
          if (!(v instanceof JsonObject ups)) {
            throw new IllegalArgumentException("upstreams must be an object");
          }
          for (String uk : ups.fieldNames()) {
            mergeUpstream(next, touched, uk, ups.getValue(uk));
          }
        }
        default -> mergeUpstream(next, touched, k, v);
      }
    }
    if (ttl != null) {
      sessionTtlSeconds = ttl;
    }
    if (seed != null) {
      segmentSeed = seed;
    }
    if (enforce != null) {
      klaviyoRateLimitEnforced = enforce;
    }
    if (strict != null) {
      strictShapes = strict;
    }
    faults = next;
    for (Upstream u : touched.keySet()) {
      flakyCalls.get(u).set(0);
      lastTraceparent.get(u).set(null);
    }
  }

  private static void mergeUpstream(EnumMap<Upstream, UpstreamFault> next, EnumMap<Upstream, Boolean> touched,
                                    String key, Object value) {
    if (!(value instanceof JsonObject settings)) {
      throw new IllegalArgumentException("settings of upstream '" + key + "' must be an object");
    }
    if ("all".equals(key)) {
      for (Upstream u : Upstream.values()) {
        next.put(u, next.get(u).merge(settings));
        touched.put(u, true);
      }
    } else {
      Upstream u = Upstream.fromKey(key);
      next.put(u, next.get(u).merge(settings));
      touched.put(u, true);
    }
  }

  /** True when this call of a {@link FaultMode#FLAKY} upstream must fail (1st, 3rd, ... since the mode was set). */
  boolean flakyShouldFail(Upstream upstream) {
    return (flakyCalls.get(upstream).incrementAndGet() & 1) == 1;
  }

  // ---------------------------------------------------------------- sessions and profiles

  /** Exchange id last pushed for a Klevu session, or null. */
  public String exchangeIdOf(String sessionId) {
    return sessionExchangeIds.get(sessionId);
  }

  void linkSession(String sessionId, String exchangeId) {
    boundedPut(sessionExchangeIds, sessionId, exchangeId, maxSessions);
  }

  /** Number of sessions with a remembered exchange id. */
  public int storedSessions() {
    return sessionExchangeIds.size();
  }

  String emailForKx(String kx) {
    return kxToEmail.get(kx);
  }

  void linkKx(String kx, String email) {
    boundedPut(kxToEmail, kx, email, maxSessions);
  }

  JsonObject importedProfile(String email) {
    return importedProfiles.get(email);
  }

  /** Stores an imported profile's attributes keyed by email; returns true when it was not known before. */
  boolean importProfile(String key, JsonObject attributes) {
    return boundedPut(importedProfiles, key, attributes, maxSessions) == null;
  }

  private static <V> V boundedPut(ConcurrentHashMap<String, V> map, String key, V value, int max) {
    if (map.size() >= max && !map.containsKey(key)) {
      // cheap bulk eviction of ~1/4 of the entries (arbitrary ones): keeps memory bounded under load tests
      int toDrop = Math.max(1, max / 4);
      Iterator<String> it = map.keySet().iterator();
      while (toDrop-- > 0 && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    return map.put(key, value);
  }

  // ---------------------------------------------------------------- Klaviyo rate window

  /** Counts one call to a Klaviyo endpoint in its burst and steady windows. */
  KlaviyoLimits.Use klaviyoUse(KlaviyoLimits.Endpoint endpoint, long nowMillis) {
    return klaviyoLimits.use(endpoint, nowMillis);
  }

  // ---------------------------------------------------------------- analytics events

  /** 64-bit digests of the events accepted, oldest first, to count resends; bounded. */
  private final java.util.LinkedHashSet<Long> seenEvents = new java.util.LinkedHashSet<>();
  private static final int MAX_SEEN_EVENTS = 1_000_000;

  /** Counts the events of {@code events} whose payload was accepted before ({@link SimCounter#DUPLICATE_EVENTS}). */
  void countDuplicates(JsonArray events) {
    int duplicates = 0;
    synchronized (seenEvents) {
      for (int i = 0; i < events.size(); i++) {
        byte[] bytes = events.getJsonObject(i).encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        long digest = (crc.getValue() << 32) ^ java.util.Arrays.hashCode(bytes);
        if (!seenEvents.add(digest)) {
          duplicates++;
        } else if (seenEvents.size() > MAX_SEEN_EVENTS) {
          seenEvents.remove(seenEvents.iterator().next());
        }
      }
    }
    add(SimCounter.DUPLICATE_EVENTS, duplicates);
  }

  void storeEvents(JsonArray events) {
    if (maxStoredEvents == 0) {
      return;
    }
    synchronized (eventRing) {
      for (int i = 0; i < events.size(); i++) {
        eventRing[(int) (eventsWritten % eventRing.length)] = events.getJsonObject(i);
        eventsWritten++;
      }
    }
  }

  private int storedEventCount() {
    if (maxStoredEvents == 0) {
      return 0;
    }
    synchronized (eventRing) {
      return (int) Math.min(eventsWritten, eventRing.length);
    }
  }

  /** The stored events, oldest first (at most {@code maxStoredEvents}; the newest {@code limit} if given). */
  public List<JsonObject> events(int limit) {
    if (maxStoredEvents == 0) {
      return List.of();
    }
    synchronized (eventRing) {
      int n = (int) Math.min(eventsWritten, eventRing.length);
      if (limit >= 0 && limit < n) {
        n = limit;
      }
      List<JsonObject> out = new ArrayList<>(n);
      for (long i = eventsWritten - n; i < eventsWritten; i++) {
        out.add(eventRing[(int) (i % eventRing.length)]);
      }
      return out;
    }
  }

  /** All stored events, oldest first. */
  public List<JsonObject> events() {
    return events(-1);
  }
}
