package dev.edgegateway.loadtest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The cold scenario's client: what the gateway adds on top of the upstream calls when nothing is cached.
 *
 * <p>Rounds of page loads, one at a time, in random order within each round:
 * <ul>
 *   <li>{@code gateway}: {@code GET /v1/recommendations/{recsKey}} for a shopper never seen before, on a recsKey
 *       never seen before, so the gateway makes all three Klevu calls (session, config, search) and caches
 *       nothing it can reuse;</li>
 *   <li>{@code direct}: the same three calls, made by this client straight at the simulator, in sequence, the
 *       way the gateway (or the Klevu browser SDK) makes them, for another new shopper and recsKey;</li>
 *   <li>{@code bare_proxy} (with {@code --bare-proxy-port}): the same page through {@link BareProxy}, which makes
 *       the direct side's three calls with the same code and nothing else: one more hop, no gateway.</li>
 * </ul>
 * All use the same Vert.x HttpClient (one event loop, keep-alive), so the difference of their latencies is what
 * the gateway costs: the loopback hop to it (bare proxy − direct), and its own work around the three calls
 * (gateway − bare proxy). One request sequence is in flight at a time, so no arm ever queues behind another.
 * Rounds wait for their slot ({@code --rate} rounds per second); latency is measured from the actual send. The
 * first {@code --warm} rounds (JIT of the servers and of this client) are not recorded; with {@code --metrics}, more
 * blocks of warm-up follow, up to {@code --warm-max} rounds, while the gateway's JIT is still busy. With {@code --metrics}
 * (the gateway's ops {@code /metrics}) it also reports the gateway's own mean time per upstream call over the
 * measurement, and always the gateway's {@code Server-Timing} phases and the direct side's time per call.
 *
 * <pre>java -cp loadtest.jar dev.edgegateway.loadtest.ColdClient --gateway-port 18080 --sim http://127.0.0.1:8099
 *      --api-key klevu-1 --pairs 2000 --warm 8000 [--warm-max 30000 --jit-quiet-ms 100] --warm-rate 400 --rate 150 --out cold.json
 *      [--bare-proxy-port 18082] [--metrics http://127.0.0.1:19090/metrics]</pre>
 */
public final class ColdClient {
  private static final int GATEWAY = 0;
  private static final int DIRECT = 1;
  private static final String[] ARM_NAMES = {"gateway", "direct", "bare proxy"};
  private static final String JIT_METER = "jvm_compilation_time_ms_total";
  private static final int WARM_BLOCK = 2_000;

  private ColdClient() {
  }

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    int gatewayPort = a.intOpt("--gateway-port", 0);
    String sim = a.opt("--sim", "http://127.0.0.1:8099");
    String apiKey = a.opt("--api-key", "klevu-170000000000000001");
    int pairs = a.intOpt("--pairs", 2000);
    int warm = a.intOpt("--warm", 2000);
    // with --metrics: warm-up goes on, a block of rounds at a time up to --warm-max, while the gateway's JIT
    // compiled for more than --jit-quiet-ms in the last block (a JIT still at work slows the pages it shares a CPU with)
    int warmMax = Math.max(warm, a.intOpt("--warm-max", warm));
    double jitQuietMs = a.doubleOpt("--jit-quiet-ms", 100);
    double rate = a.doubleOpt("--rate", 150);
    double warmRate = a.doubleOpt("--warm-rate", Math.max(rate, 400));
    String runId = a.opt("--run-id", Shoppers.newRunId());
    // the gateway's ops /metrics: its own timers of the upstream calls, read at the start and end of the measurement
    String metrics = a.opt("--metrics", "");
    Path out = Path.of(a.opt("--out", "cold.json"));
    java.net.URI simUri = java.net.URI.create(sim);
    OpenLoop.checkLoopback(simUri.getHost());
    if (gatewayPort <= 0 || pairs < 1 || rate <= 0) {
      throw new IllegalArgumentException("--gateway-port, --pairs >= 1 and --rate > 0 are required");
    }

    Shoppers shoppers = new Shoppers(runId);
    LatencyRecorder gateway = LatencyRecorder.named("gateway");
    LatencyRecorder direct = LatencyRecorder.named("direct");
    int bareProxyPort = a.intOpt("--bare-proxy-port", 0);
    int arms = bareProxyPort > 0 ? 3 : 2;
    LatencyRecorder[] recorders = arms == 3
        ? new LatencyRecorder[] {gateway, direct, LatencyRecorder.named("bare_proxy")}
        : new LatencyRecorder[] {gateway, direct};
    Histogram serverTotal = LatencyRecorder.newHistogram();
    // where the time goes: each Server-Timing phase of the gateway's pages, each call of the direct side
    java.util.Map<String, Histogram> serverPhases = new java.util.TreeMap<>();
    java.util.Map<String, Histogram> directCalls = new java.util.TreeMap<>();
    SplittableRandom random = new SplittableRandom(runId.hashCode());
    JsonObject extra = new JsonObject().put("client", "ColdClient").put("params", new JsonObject()
        .put("pairs", pairs).put("warm", warm).put("warm_max", warmMax).put("jit_quiet_ms", jitQuietMs)
        .put("rate", rate).put("warm_rate", warmRate)
        .put("run_id", runId));
    int gatewayFirst = 0;
    UpstreamTimers upstreamAtStart = UpstreamTimers.read(metrics);
    try (OpenLoop loop = new OpenLoop(4, 10_000)) {
      ColdFlows flows = new ColdFlows(loop.client(), gatewayPort, simUri.getPort(), apiKey);
      long interval = Math.round(1e9 / rate);
      long warmInterval = Math.round(1e9 / warmRate);
      long next = System.nanoTime();
      int warmEnd = warm;
      double jitAtBlockStart = OpsScrape.value(OpsScrape.text(metrics), JIT_METER);
      for (int k = 0; k < warmEnd + pairs; k++) {
        if (k == warmEnd && warmEnd < warmMax && jitAtBlockStart >= 0) {
          double jitNow = OpsScrape.value(OpsScrape.text(metrics), JIT_METER);
          extra.put("warm_last_block_jit_ms", jitNow - jitAtBlockStart);
          if (jitNow - jitAtBlockStart > jitQuietMs) {
            warmEnd = Math.min(warmMax, warmEnd + WARM_BLOCK);
          }
          jitAtBlockStart = jitNow;
        }
        boolean measured = k >= warmEnd;
        if (k == warmEnd) {
          extra.put("warm_rounds", warmEnd);
          extra.put("sim_start", SimStats.snapshot(sim));
          upstreamAtStart = UpstreamTimers.read(metrics);
          extra.put("measure_start_ms", System.currentTimeMillis());
          next = System.nanoTime() + 50_000_000L;
        }
        OpenLoop.sleepUntil(next);
        // a pair that ran late starts the next one at once, but the schedule never runs ahead to catch up
        next = Math.max(next + (measured ? interval : warmInterval), System.nanoTime());
        // the arms of this round in random order: each is a shopper, recsKey and product no cache has seen
        int[] order = new int[arms];
        for (int i = 0; i < arms; i++) {
          int j = random.nextInt(i + 1);
          order[i] = order[j];
          order[j] = i;
        }
        gatewayFirst += measured && order[0] == GATEWAY ? 1 : 0;
        for (int arm : order) {
          boolean isGateway = arm == GATEWAY;
          int shopper = arms * k + arm;
          String recsKey = "k-cold-" + runId + "-" + shopper;
          // a product page: its product id goes into the search payload, so the search is new too
          String pid = "p-" + runId + "-" + shopper;
          long wall = System.currentTimeMillis();
          long t0 = System.nanoTime();
          ColdFlows.Result r;
          try {
            String cookie = shoppers.cookieHeader(shopper);
            String exchangeId = shoppers.exchangeId(shopper);
            r = loop.onLoop(() -> switch (arm) {
              case GATEWAY -> flows.gatewayPage(recsKey, pid, cookie);
              case DIRECT -> flows.directPage(recsKey, pid, exchangeId);
              default -> flows.bareProxyPage(bareProxyPort, recsKey, pid, exchangeId);
            }).get(30, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            System.out.println("[cold] " + ARM_NAMES[arm] + " page " + k + " failed: " + e);
            r = new ColdFlows.Result(0, null, null, null, null, null);
          }
          long ns = System.nanoTime() - t0;
          if (!measured) {
            continue;
          }
          recorders[arm].record(wall, ns, r.status(), r.xcache(), r.outcome());
          long total = OpenLoop.serverTimingUs(r.serverTiming(), "total");
          if (isGateway && total >= 0) {
            serverTotal.recordValue(Math.max(1, total));
          }
          if (isGateway) {
            OpenLoop.serverTimingPhasesUs(r.serverTiming()).forEach((phase, us) ->
                serverPhases.computeIfAbsent(phase, p -> LatencyRecorder.newHistogram()).recordValue(Math.max(1, us)));
          } else if (arm == DIRECT && r.callsUs() != null) {
            r.callsUs().forEach((call, us) ->
                directCalls.computeIfAbsent(call, c -> LatencyRecorder.newHistogram()).recordValue(Math.max(1, us)));
          }
        }
      }
      extra.put("measure_end_ms", System.currentTimeMillis());
      extra.put("sim_end", SimStats.snapshot(sim));
      extra.put("gateway_upstream_mean_ms", UpstreamTimers.read(metrics).meanMsSince(upstreamAtStart));
      extra.put("gateway_first", gatewayFirst);
      extra.put("gateway_server_total", LatencyRecorder.percentiles(serverTotal));
      JsonObject phases = new JsonObject();
      serverPhases.forEach((phase, h) -> phases.put(phase, LatencyRecorder.percentiles(h)));
      extra.put("gateway_server_phases", phases);
      JsonObject calls = new JsonObject();
      directCalls.forEach((call, h) -> calls.put(call, LatencyRecorder.percentiles(h)));
      extra.put("direct_calls", calls);
    }
    LatencyRecorder.writeAll(out, extra);
    System.out.println("[cold] wrote " + out);
    System.exit(0);
  }

  /** The two ways of loading one cold page, on one shared HttpClient. */
  static final class ColdFlows {
    /** {@code callsUs}: the direct side's time per call (session, config, search), in µs. */
    record Result(int status, String xcache, String outcome, String serverTiming, java.util.Map<String, Long> callsUs,
        JsonObject page) {
    }

    private final HttpClientAgent client;
    private final int gatewayPort;
    private final int simPort;
    private final String apiKey;

    ColdFlows(HttpClientAgent client, int gatewayPort, int simPort, String apiKey) {
      this.client = client;
      this.gatewayPort = gatewayPort;
      this.simPort = simPort;
      this.apiKey = apiKey;
    }

    Future<Result> gatewayPage(String recsKey, String pid, String cookie) {
      RequestOptions o = get(gatewayPort, "/v1/recommendations/" + recsKey + "?pid=" + pid).putHeader("Cookie", cookie);
      return client.request(o).compose(req -> req.send())
          .compose(resp -> resp.body().map(body -> new Result(resp.statusCode(), resp.getHeader("X-Cache"),
              resp.getHeader("X-Edge-Outcome"), resp.getHeader("Server-Timing"), null, null)));
    }

    /** The same page through {@link BareProxy}: one hop to it, then the same three calls as {@link #directPage}. */
    Future<Result> bareProxyPage(int port, String recsKey, String pid, String exchangeId) {
      String path = "/page?recsKey=" + URLEncoder.encode(recsKey, StandardCharsets.UTF_8) + "&pid="
          + URLEncoder.encode(pid, StandardCharsets.UTF_8) + "&ex=" + URLEncoder.encode(exchangeId, StandardCharsets.UTF_8);
      return call(get(port, path)).map(answer -> new Result(answer.status(), null, null, null, null, null));
    }

    /** Session (with the exchange id), config for its segments, then the config's search: as the gateway does. */
    Future<Result> directPage(String recsKey, String pid, String exchangeId) {
      JsonObject session = new JsonObject().put("apiKey", apiKey).put("sessionInfo", new JsonObject()
          .put("connectorInfo", new JsonArray().add(new JsonObject().put("connectorType", "klaviyo")
              .put("exchangeId", exchangeId))));
      int[] worst = {200};
      java.util.Map<String, Long> callsUs = new java.util.HashMap<>();
      long[] since = {System.nanoTime()};
      java.util.function.Consumer<String> lap = call -> {
        long now = System.nanoTime();
        callsUs.put(call, (now - since[0]) / 1_000);
        since[0] = now;
      };
      return post(simPort, "/public/1.0/" + apiKey + "/session", session.toBuffer())
          .compose(s -> {
            lap.accept("session");
            worst[0] = Math.max(worst[0], s.status());
            JsonObject info = s.body().getJsonObject("segmentInfo", new JsonObject());
            String sids = String.join(",", info.getJsonArray("segments", new JsonArray()).stream()
                .map(String::valueOf).sorted().distinct().toList());
            // as the SDK asks (the simulator takes nothing else)
            String path = "/recommendations/" + apiKey + "/settings/" + recsKey + SdkRequests.configQuery(pid, sids);
            return call(get(simPort, path));
          })
          .compose(c -> {
            lap.accept("config");
            worst[0] = Math.max(worst[0], c.status());
            JsonObject search = c.body().getJsonObject("search", new JsonObject());
            JsonObject payload = SdkRequests.searchBody(c.body(), apiKey, pid);
            // the simulator's basePath is "<host>:<port>/cs/v2/search"; only its path is used (loopback only)
            String basePath = search.getString("basePath", "127.0.0.1/cs/v2/search");
            String path = basePath.contains("/") ? basePath.substring(basePath.indexOf('/')) : "/cs/v2/search";
            return post(simPort, path, payload.toBuffer());
          })
          .map(r -> {
            lap.accept("search");
            return new Result(Math.max(worst[0], r.status()), null, null, null, callsUs, r.body());
          });
    }

    private record Answer(int status, JsonObject body) {
    }

    private static RequestOptions get(int port, String path) {
      return new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path)
          .setTimeout(10_000).putHeader("Accept", "application/json").putHeader("User-Agent", "edge-gateway-loadtest");
    }

    private Future<Answer> post(int port, String path, Buffer body) {
      return call(get(port, path).setMethod(HttpMethod.POST).putHeader("Content-Type", "application/json"), body);
    }

    private Future<Answer> call(RequestOptions o) {
      return call(o, null);
    }

    private Future<Answer> call(RequestOptions o, Buffer body) {
      return client.request(o).compose(req -> body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> {
            JsonObject json;
            try {
              json = b.length() == 0 ? new JsonObject() : b.toJsonObject();
            } catch (RuntimeException e) {
              json = new JsonObject();
            }
            return new Answer(resp.statusCode(), json);
          }));
    }
  }
}
