package dev.edgegateway.loadtest;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The l2-hit scenario's client: what a Redis (L2) hit costs over an in-memory (L1) hit, side by side, on one
 * gateway (B) that shares its Redis with another (A).
 *
 * <ol>
 *   <li>Set-up: every shopper's page is loaded once through gateway A (at most {@code --prep-concurrency} in
 *       flight), which writes the shopper's Klevu session and segments, and the page's config and search, to
 *       Redis.</li>
 *   <li>Open loop on gateway B at {@code --rate} requests/s, in pairs of two time slots: shopper k's first
 *       request on B (its segments are in Redis, not in B's memory: an <b>L2 hit</b>) and the second request of
 *       shopper k−T, T pairs ({@code --lag-ms}) later, by when B has that shopper in memory (an <b>L1 hit</b>).
 *       Which of the two goes first in a pair is random, so neither kind always follows the other. The first
 *       {@code --warm} shoppers are not recorded (and go at {@code --warm-rate}): they warm B's JIT (and this
 *       client's) on both paths and fill B's memory with the page's config and search for every segment
 *       combination, so that in a measured request the shopper's segments are the only thing that can come from
 *       Redis. The last T shoppers are not recorded either (their
 *       first request only pairs with the last measured second requests).</li>
 *   <li>Between the warm-up and the measured pairs ({@code --gap-ms} pause), and after the last one, B's
 *       {@code /metrics} and the simulator's counters are read, so the run can show what B did in between
 *       (Redis GETs, config/search lookups, upstream calls).</li>
 * </ol>
 * Recorders {@code l2} and {@code l1} (latency from the intended start, {@link LatencyRecorder}) with their
 * {@code X-Cache} tallies, plus the time from the actual send and B's own {@code Server-Timing} figures.
 *
 * <pre>java -cp loadtest.jar dev.edgegateway.loadtest.L2HitClient --a-port 18080 --b-port 18081
 *      --b-ops http://127.0.0.1:19091 --sim http://127.0.0.1:8099 --path /v1/recommendations/k
 *      --shoppers 2000 --warm 3000 --warm-rate 600 --rate 400 --lag-ms 500 --out l2-hit.json</pre>
 */
public final class L2HitClient {
  private L2HitClient() {
  }

  private static final class Side {
    final LatencyRecorder recorder;
    final Histogram service = LatencyRecorder.newHistogram();
    final Histogram serverTotal = LatencyRecorder.newHistogram();
    final Histogram serverSegments = LatencyRecorder.newHistogram();

    Side(String name) {
      recorder = LatencyRecorder.named(name);
    }

    synchronized void record(OpenLoop.Answer a) {
      recorder.record(a.startEpochMs(), a.latencyNs(), a.status(), a.xcache(), a.outcome());
      service.recordValue(Math.max(1, Math.min(60_000_000L, a.serviceNs() / 1_000)));
      long total = OpenLoop.serverTimingUs(a.serverTiming(), "total");
      if (total >= 0) {
        serverTotal.recordValue(Math.max(1, total));
      }
      long seg = OpenLoop.serverTimingUs(a.serverTiming(), "segments");
      if (seg >= 0) {
        serverSegments.recordValue(Math.max(1, seg));
      }
    }

    synchronized JsonObject extra() {
      return new JsonObject().put("service", LatencyRecorder.percentiles(service))
          .put("server_total", LatencyRecorder.percentiles(serverTotal))
          .put("server_segments", LatencyRecorder.percentiles(serverSegments));
    }
  }

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    int portA = a.intOpt("--a-port", 0);
    int portB = a.intOpt("--b-port", 0);
    String bOps = a.opt("--b-ops", "");
    String sim = a.opt("--sim", "");
    String path = a.opt("--path", "/v1/recommendations/k-loadtest-home");
    int n = a.intOpt("--shoppers", 2000);
    int warm = a.intOpt("--warm", 1000);
    double rate = a.doubleOpt("--rate", 400);
    double warmRate = a.doubleOpt("--warm-rate", Math.max(rate, 600));
    long lagMs = a.longOpt("--lag-ms", 500);
    long gapMs = a.longOpt("--gap-ms", 500);
    int prepConcurrency = a.intOpt("--prep-concurrency", 64);
    int connections = a.intOpt("--connections", 16);
    String runId = a.opt("--run-id", Shoppers.newRunId());
    Path out = Path.of(a.opt("--out", "l2-hit.json"));
    if (portA <= 0 || portB <= 0 || n < 1 || rate <= 0) {
      throw new IllegalArgumentException("--a-port, --b-port, --shoppers >= 1 and --rate > 0 are required");
    }

    int lag = (int) Math.max(1, Math.round(lagMs / 1000.0 * rate / 2.0));
    int pairs = warm + n + lag;
    Shoppers shoppers = new Shoppers(runId);
    String[] cookies = new String[pairs];
    for (int i = 0; i < pairs; i++) {
      cookies[i] = shoppers.cookieHeader(i);
    }
    Side l2 = new Side("l2");
    Side l1 = new Side("l1");
    // the warm-up's answers too (both kinds together), to show when B (and this client) had settled
    LatencyRecorder warmRec = LatencyRecorder.named("warm");
    JsonObject extra = new JsonObject().put("client", "L2HitClient").put("params", new JsonObject()
        .put("shoppers", n).put("warm", warm).put("rate", rate).put("warm_rate", warmRate).put("lag_ms", lagMs).put("lag_pairs", lag)
        .put("gap_ms", gapMs).put("pairs", pairs).put("run_id", runId).put("path", path));

    try (OpenLoop loop = new OpenLoop(connections, 10_000)) {
      // 1. every shopper once through A: Redis gets their sessions/segments, and the page's configs and searches
      List<String[]> prep = new ArrayList<>(pairs);
      for (int i = 0; i < pairs; i++) {
        prep.add(new String[] {path, cookies[i]});
      }
      long p0 = System.nanoTime();
      JsonObject prepDone = loop.closedLoop(portA, prep, prepConcurrency).put("ms", (System.nanoTime() - p0) / 1_000_000);
      extra.put("prep", prepDone);
      System.out.println("[l2-hit] " + pairs + " shoppers loaded through gateway A: " + prepDone.encode());
      Thread.sleep(500); // A's Redis writes are not awaited by its answers

      // 2. the open loop on B: pair k = first request of shopper k (L2) and second request of shopper k-lag (L1)
      SplittableRandom random = new SplittableRandom(runId.hashCode());
      long interval = Math.round(1e9 / rate);
      long warmInterval = Math.round(1e9 / warmRate);
      long next = System.nanoTime() + 100_000_000L;
      int interleaved = 0;
      int l2First = 0;
      for (int k = 0; k < pairs; k++) {
        if (k == warm) {
          // boundary: let the warm-up's last answers arrive, then read B's metrics and the simulator's counters;
          // the measured pairs start on a fresh schedule once that is done (at least --gap-ms later)
          long pause0 = System.nanoTime();
          OpenLoop.sleepUntil(next + 20_000_000L);
          loop.drain(gapMs);
          long s0 = System.nanoTime();
          Files.writeString(sibling(out, "b-start.prom"), OpenLoop.fetchText(bOps + "/metrics"));
          extra.put("sim_start", SimStats.snapshot(sim));
          extra.put("boundary_read_ms", (System.nanoTime() - s0) / 1_000_000);
          next = Math.max(pause0 + gapMs * 1_000_000L, System.nanoTime() + 20_000_000L);
          extra.put("measure_start_ms", loop.epochMs(next));
          loop.resetLateness();
        }
        long step = k < warm ? warmInterval : interval;
        long slot0 = next;
        next += 2 * step;
        final int first = k;
        final int second = k - lag;
        boolean firstMeasured = first >= warm && first < warm + n;
        boolean secondMeasured = second >= warm && second < warm + n;
        boolean l2Goes1st = second < 0 || random.nextBoolean();
        if (firstMeasured && secondMeasured) {
          interleaved++;
          l2First += l2Goes1st ? 1 : 0;
        }
        for (int s = 0; s < 2; s++) {
          boolean isL2 = (s == 0) == l2Goes1st;
          int shopper = isL2 ? first : second;
          if (shopper < 0) {
            continue;
          }
          boolean measured = isL2 ? firstMeasured : secondMeasured;
          Side side = isL2 ? l2 : l1;
          long at = slot0 + s * step;
          OpenLoop.sleepUntil(at);
          boolean warming = k < warm;
          loop.send(at, portB, path, cookies[shopper], ans -> {
            if (measured) {
              side.record(ans);
            } else if (warming) {
              warmRec.record(ans.startEpochMs(), ans.latencyNs(), ans.status(), ans.xcache(), ans.outcome());
            }
          });
        }
      }
      int left = loop.drain(15_000);
      extra.put("in_flight_at_end", left);
      extra.put("measure_end_ms", System.currentTimeMillis());
      Files.writeString(sibling(out, "b-end.prom"), OpenLoop.fetchText(bOps + "/metrics"));
      extra.put("sim_end", SimStats.snapshot(sim));
      extra.put("interleaved_pairs", interleaved).put("l2_first", l2First);
      extra.put("lateness", loop.lateness());
      extra.put("sides", new JsonObject().put("l2", l2.extra()).put("l1", l1.extra()));
    }
    LatencyRecorder.writeAll(out, extra);
    System.out.println("[l2-hit] wrote " + out);
    System.exit(0);
  }

  static Path sibling(Path out, String suffix) {
    return out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + "." + suffix);
  }
}
