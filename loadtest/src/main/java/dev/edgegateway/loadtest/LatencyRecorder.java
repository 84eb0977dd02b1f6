package dev.edgegateway.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Latencies in microseconds (HdrHistogram, 3 significant digits, 1 µs .. 60 s), overall and per
 * wall-clock second of the request's start, plus tallies of status codes and {@code X-Cache} values.
 * Thread-safe (synchronized: a few hundred records per second never contend).
 */
public final class LatencyRecorder {
  private static final long HIGHEST_US = 60_000_000L;
  private static final long MAX_RAW_LINES = 2_000_000;
  private static final Map<String, LatencyRecorder> NAMED = new ConcurrentHashMap<>();

  private final String name;
  private final Histogram all = newHistogram();
  private final TreeMap<Long, Histogram> perSecond = new TreeMap<>();
  private final Map<String, LongAdder> status = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> xcache = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> outcome = new ConcurrentHashMap<>();
  private final StringBuilder raw = new StringBuilder();
  private long rawLines;
  private long firstStartMs = Long.MAX_VALUE;
  private long lastEndMs = Long.MIN_VALUE;

  public LatencyRecorder(String name) {
    this.name = name;
  }

  /** One recorder per name per JVM (Gatling simulations record into these). */
  public static LatencyRecorder named(String name) {
    return NAMED.computeIfAbsent(name, LatencyRecorder::new);
  }

  public static Map<String, LatencyRecorder> all() {
    return NAMED;
  }

  static Histogram newHistogram() {
    return new Histogram(1, HIGHEST_US, 3);
  }

  /**
   * @param startEpochMs wall clock at the start (selects the per-second bucket)
   * @param latencyNanos measured with {@link System#nanoTime()}
   * @param statusCode HTTP status, or 0 for a transport failure
   * @param cacheHeader value of {@code X-Cache} (may be null)
   */
  public void record(long startEpochMs, long latencyNanos, int statusCode, String cacheHeader) {
    record(startEpochMs, latencyNanos, statusCode, cacheHeader, null);
  }

  /** As above, plus the gateway's {@code X-Edge-Outcome} header (ok, degraded, ...; may be null). */
  public synchronized void record(long startEpochMs, long latencyNanos, int statusCode, String cacheHeader,
      String outcomeHeader) {
    long us = Math.max(1, Math.min(HIGHEST_US, latencyNanos / 1_000));
    all.recordValue(us);
    perSecond.computeIfAbsent(startEpochMs / 1000, s -> newHistogram()).recordValue(us);
    status.computeIfAbsent(statusCode == 0 ? "error" : Integer.toString(statusCode), k -> new LongAdder()).increment();
    String xc = cacheHeader == null || cacheHeader.isBlank() ? "none" : cacheHeader.trim().toUpperCase();
    xcache.computeIfAbsent(xc, k -> new LongAdder()).increment();
    String oc = outcomeHeader == null || outcomeHeader.isBlank() ? "none" : outcomeHeader.trim().toLowerCase();
    outcome.computeIfAbsent(oc, k -> new LongAdder()).increment();
    if (rawLines < MAX_RAW_LINES) {
      raw.append(startEpochMs).append(',').append(us).append(',').append(statusCode).append(',').append(xc).append(',').append(oc).append('\n');
      rawLines++;
    }
    firstStartMs = Math.min(firstStartMs, startEpochMs);
    lastEndMs = Math.max(lastEndMs, startEpochMs + latencyNanos / 1_000_000);
  }

  public static JsonObject percentiles(Histogram h) {
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("mean_ms", ms(Math.round(h.getMean())))
        .put("p50_ms", ms(h.getValueAtPercentile(50)))
        .put("p90_ms", ms(h.getValueAtPercentile(90)))
        .put("p99_ms", ms(h.getValueAtPercentile(99)))
        .put("p999_ms", ms(h.getValueAtPercentile(99.9)))
        .put("max_ms", ms(h.getMaxValue()));
  }

  static double ms(long us) {
    return Math.round(us / 1.0) / 1000.0;
  }

  public synchronized JsonObject toJson() {
    JsonObject tallyStatus = new JsonObject();
    status.forEach((k, v) -> tallyStatus.put(k, v.sum()));
    JsonObject tallyCache = new JsonObject();
    xcache.forEach((k, v) -> tallyCache.put(k, v.sum()));
    JsonObject tallyOutcome = new JsonObject();
    outcome.forEach((k, v) -> tallyOutcome.put(k, v.sum()));
    JsonArray seconds = new JsonArray();
    perSecond.forEach((sec, h) -> seconds.add(percentiles(h).put("epoch_s", sec)));
    return new JsonObject()
        .put("name", name)
        .put("latency", percentiles(all))
        .put("status", tallyStatus)
        .put("x_cache", tallyCache)
        .put("outcome", tallyOutcome)
        .put("first_start_ms", firstStartMs == Long.MAX_VALUE ? null : firstStartMs)
        .put("last_end_ms", lastEndMs == Long.MIN_VALUE ? null : lastEndMs)
        .put("per_second", seconds);
  }

  /** Every sample as CSV {@code start_ms,latency_us,status,x_cache,outcome} (for subsets: e.g. expiry seconds). */
  public synchronized String rawCsv() {
    return "start_ms,latency_us,status,x_cache,outcome\n" + raw;
  }

  /** Writes every named recorder as {@code {"recorders":{name:{...}}}}. */
  public static void writeAll(Path out, JsonObject extra) throws IOException {
    JsonObject recs = new JsonObject();
    NAMED.forEach((k, v) -> recs.put(k, v.toJson()));
    JsonObject doc = new JsonObject().put("recorders", recs);
    if (extra != null) {
      doc.mergeIn(extra);
    }
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, doc.encodePrettily());
    String name = out.getFileName().toString().replaceFirst("\\.json$", "");
    for (Map.Entry<String, LatencyRecorder> e : NAMED.entrySet()) {
      Files.writeString(out.resolveSibling(name + "." + e.getKey() + ".csv"), e.getValue().rawCsv());
    }
  }
}
