package dev.edgegateway.loadtest;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The redis-down scenario's client: page loads at a constant arrival rate for a fixed time, open loop
 * ({@link OpenLoop}: latency from the intended start), identified shoppers ({@code __kla_id} cookie) picked by
 * Zipf popularity, so some are new (a miss: Klevu is called) and most come back.
 *
 * <p>First the {@code --preload} most popular shoppers are loaded once (set-up, at most 32 in flight), then the
 * open loop runs {@code --warm-s} seconds into recorder {@code warmup} (so the measurement starts from a steady
 * state, not from a cold cache and a cold JIT), then prints {@code LOAD_START <epoch ms>} and goes on, at the
 * same rate and without a pause, for {@code --duration-s} seconds into recorder {@code gateway}. The harness
 * breaks Redis at known offsets from LOAD_START while the load goes on, and splits the requests into phases
 * afterwards by their start time (the raw CSV).
 *
 * <p>The faults scenario adds a mix ({@link Mix}): a share of anonymous pages (no cookie), several recsKeys and
 * products, every n-th request a {@code POST /v1/events} or a {@code POST /v1/identify} (those go to recorder
 * {@code posts}), and degraded answers recorded with their rungs ({@code --rungs true}).
 *
 * <pre>java -cp loadtest.jar dev.edgegateway.loadtest.SteadyLoad --port 18080 --path /v1/recommendations/k
 *      --shoppers 5000 --zipf 1.0 --rate 300 --preload 1000 --warm-s 5 --duration-s 35 --out steady.json</pre>
 */
public final class SteadyLoad {
  private SteadyLoad() {
  }

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    int port = a.intOpt("--port", 0);
    String path = a.opt("--path", "/v1/recommendations/k-loadtest-home");
    int shopperCount = a.intOpt("--shoppers", 5000);
    double zipfS = a.doubleOpt("--zipf", 1.0);
    double rate = a.doubleOpt("--rate", 300);
    double durationS = a.doubleOpt("--duration-s", 35);
    int preload = a.intOpt("--preload", 0);
    double warmS = a.doubleOpt("--warm-s", 0);
    int connections = a.intOpt("--connections", 128);
    long timeoutMs = a.longOpt("--timeout-ms", 5_000);
    String runId = a.opt("--run-id", Shoppers.newRunId());
    // the faults scenario's mix (all off by default: the redis-down load as before)
    Mix mix = new Mix(a.doubleOpt("--anon-share", 0), a.opt("--recs-keys", ""), a.intOpt("--pids", 0),
        a.intOpt("--events-every", 0), a.intOpt("--identify-every", 0), a.opt("--token-secret", ""),
        a.opt("--rungs", "false").equals("true"), runId);
    Path out = Path.of(a.opt("--out", "steady.json"));
    if (port <= 0 || rate <= 0 || durationS <= 0) {
      throw new IllegalArgumentException("--port, --rate > 0 and --duration-s > 0 are required");
    }

    Shoppers shoppers = new Shoppers(runId);
    String[] cookies = new String[shopperCount];
    for (int i = 0; i < shopperCount; i++) {
      cookies[i] = shoppers.cookieHeader(i);
    }
    Zipf zipf = new Zipf(shopperCount, zipfS);
    LatencyRecorder recorder = LatencyRecorder.named("gateway");
    LatencyRecorder posts = mix.posts() ? LatencyRecorder.named("posts") : null;
    LatencyRecorder warmRecorder = warmS > 0 ? LatencyRecorder.named("warmup") : null;
    BitSet seen = new BitSet(shopperCount);
    long warmRequests = Math.round(rate * warmS);
    long requests = Math.round(rate * durationS);
    long interval = Math.round(1e9 / rate);
    int newShoppers = 0;
    JsonObject extra = new JsonObject().put("client", "SteadyLoad").put("params", new JsonObject()
        .put("shoppers", shopperCount).put("zipf", zipfS).put("rate", rate).put("duration_s", durationS)
        .put("requests", requests).put("mix", mix.describe()).put("preload", preload).put("warm_s", warmS).put("run_id", runId).put("path", path));
    try (OpenLoop loop = new OpenLoop(connections, timeoutMs)) {
      if (preload > 0) {
        java.util.List<String[]> top = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(preload, shopperCount); i++) {
          top.add(new String[] {path, cookies[i]});
          seen.set(i);
        }
        long p0 = System.nanoTime();
        extra.put("preload_result", loop.closedLoop(port, top, 32).put("ms", (System.nanoTime() - p0) / 1_000_000));
      }
      long t0 = System.nanoTime() + 200_000_000L;
      extra.put("warm_start_ms", loop.epochMs(t0));
      for (long i = 0; i < warmRequests + requests; i++) {
        long at = t0 + i * interval;
        if (i == warmRequests) {
          long startMs = loop.epochMs(at);
          extra.put("load_start_ms", startMs);
          System.out.println("LOAD_START " + startMs);
          System.out.flush();
          loop.resetLateness();
        }
        LatencyRecorder into = i < warmRequests ? warmRecorder : recorder;
        int shopper = zipf.next();
        if (!seen.get(shopper)) {
          seen.set(shopper);
          newShoppers++;
        }
        OpenLoop.sleepUntil(at);
        if (!mix.active()) {
          loop.send(at, port, path, cookies[shopper],
              ans -> into.record(ans.startEpochMs(), ans.latencyNs(), ans.status(), ans.xcache(), ans.outcome()));
        } else {
          Mix.Request r = mix.next(i, path, cookies[shopper]);
          LatencyRecorder to = r.post() && i >= warmRequests ? posts : into;
          loop.send(at, port, r.method(), r.path(), r.cookie(), r.body(), mix.rungs(),
              ans -> to.record(ans.startEpochMs(), ans.latencyNs(), ans.status(), ans.xcache(), ans.outcome()));
        }
      }
      int left = loop.drain(timeoutMs + 2_000);
      System.out.println("LOAD_END " + System.currentTimeMillis());
      System.out.flush();
      extra.put("in_flight_at_end", left).put("new_shoppers", newShoppers).put("lateness", loop.lateness());
    }
    LatencyRecorder.writeAll(out, extra);
    System.out.println("[steady] wrote " + out);
    System.exit(0);
  }
}
