package dev.edgegateway;

import dev.edgegateway.cache.CacheFactory;
import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.config.Settings;
import dev.edgegateway.identity.IdentityOptions;
import dev.edgegateway.identity.ProductionSecrets;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.RunningSimulator;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.SimulatorVerticle;
import dev.edgegateway.tracing.OtelOptions;
import dev.edgegateway.tracing.OtelTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar edge-gateway.jar} (the gateway), {@code --demo} (gateway + simulator, wired together),
 * {@code simulate --port N} (the simulator alone), {@code settings} (the configuration table).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    List<String> arguments = Arrays.asList(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.println("usage: java -jar edge-gateway.jar [--demo] | simulate [--port N] [--latency all=MS] | settings");
      return;
    }
    if (!arguments.isEmpty() && arguments.get(0).equals("settings")) {
      System.out.print(Settings.markdownTable());
      return;
    }
    Vertx vertx;
    try {
      vertx = createVertx();
    } catch (IllegalArgumentException e) { // a malformed EDGE_EVENT_LOOPS or EDGE_OTEL_*
      LOG.error("could not start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    try {
      if (!arguments.isEmpty() && arguments.get(0).equals("simulate")) {
        RunningSimulator sim = await(SimulatorVerticle.start(vertx,
            new SimulatorOptions().applyArgs(arguments.subList(1, arguments.size()))));
        System.out.println("simulator listening on " + sim.baseUrl() + "  (stats: " + sim.baseUrl() + "/__sim/stats)");
        onShutdown(vertx, sim::close, 10_000);
        return;
      }
      Map<String, String> env = new HashMap<>(System.getenv());
      boolean demo = arguments.contains("--demo");
      RunningSimulator sim = null;
      if (demo) {
        sim = await(SimulatorVerticle.start(vertx, new SimulatorOptions().setPort(0)));
        DemoWiring.demoEnvironment(env, sim);
        env.putIfAbsent("EDGE_DEMO_PAGE", "true");
      }
      JsonObject config = await(GatewayConfig.load(vertx, Path.of(GatewayConfig.DEFAULT_FILE), env));
      if (!demo) { // the demo's secrets are as public as the default: only it may run on them
        ProductionSecrets.check(IdentityOptions.from(config));
      }
      CacheFactory.check(Gateway.cacheConfig(config));
      WarmUpOptions warmUp = WarmUpOptions.from(config);
      if (!demo && warmUp.enabled()) {
        warmUp(vertx, env, warmUp);
      }
      ShutdownOptions shutdown = ShutdownOptions.from(config);
      Gateway gateway = await(Gateway.start(vertx, config));
      if (demo) {
        printDemo(gateway, sim);
      }
      RunningSimulator demoSim = sim;
      onShutdown(vertx, () -> gateway.shutdown(shutdown).andThen(ar -> {
        if (demoSim != null) { // what reached the simulated Klevu, the outbox's last batches included
          LOG.info("demo simulator: received {} analytics events", demoSim.state().count(SimCounter.EVENTS));
        }
      }), shutdown.boundMs());
    } catch (Exception e) {
      LOG.error("could not start: {}", e.getMessage());
      vertx.close();
      System.exit(1);
    }
  }

  /**
   * Runs {@link WarmUp} in a Vert.x of its own (same transport and event loops as the gateway's, so the same
   * code gets compiled), then shows what it did as {@code edge_warmup_rounds} and {@code edge_warmup_seconds}.
   */
  static WarmUp.Result warmUp(Vertx gatewayVertx, Map<String, String> env, WarmUpOptions options) throws Exception {
    Vertx warmUpVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops(env))
        .setPreferNativeTransport(nativeTransport(env)));
    // the private gateway and simulator log their own start and stop lines: this one says whose they are
    LOG.info("warm-up: up to {} rounds through a private gateway and simulator on loopback, then the gateway starts"
        + " (EDGE_WARMUP_PAGES=0 skips it)", options.pages());
    long started = System.nanoTime();
    WarmUp.Result result;
    try {
      result = await(WarmUp.run(warmUpVertx, options), options.maxMs() + 30_000);
    } catch (Exception e) {
      // a warm-up that hangs or breaks only means a colder start, never no start
      LOG.warn("warm-up stopped ({}); starting without it", e.toString());
      result = new WarmUp.Result(0, 0, (System.nanoTime() - started) / 1_000_000L);
    } finally {
      try {
        warmUpVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("warm-up's Vert.x did not close ({})", e.toString());
      }
    }
    if (result.failedRequests() > 0) {
      LOG.warn("warm-up: {} rounds of synthetic pages in {} ms before start, {} requests failed",
          result.rounds(), result.millis(), result.failedRequests());
    } else {
      LOG.info("warm-up: {} rounds of synthetic pages in {} ms before start", result.rounds(), result.millis());
    }
    MeterRegistry registry = Metrics.of(gatewayVertx);
    Metrics.gauge("edge_warmup_rounds", result, WarmUp.Result::rounds).register(registry);
    Metrics.gauge("edge_warmup_seconds", result, r -> r.millis() / 1000.0).baseUnit("seconds").register(registry);
    return result;
  }

  static Vertx createVertx() {
    return createVertx(System.getenv());
  }

  /** The launcher's Vert.x: Prometheus meters, event loops and transport, and span export, all from {@code env}. */
  static Vertx createVertx(Map<String, String> env) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics.bindJvm(registry);
    VertxBuilder builder = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(eventLoops(env))
            .setPreferNativeTransport(nativeTransport(env))
            .setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            // per-message event-bus meters cost more than the hops they measure; the gateway's own
            // per-capability timers and counters already say where a request spends its time
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
            // the same for Vert.x's per-request server meters (a gauge and summaries registered per request):
            // edge_http_request_seconds{route,outcome} counts and times every request the API answers
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
            // and for its per-request client meters: edge_upstream_request_seconds{upstream,outcome} times every
            // call and edge_upstream_in_flight{upstream} shows how much of the connection budget is in use
            .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new MicrometerMetricsFactory(registry));
    Vertx vertx = OtelTracing.install(builder, OtelOptions.fromEnvironment(env), registry).build();
    Metrics.bind(vertx, registry);
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("network transport: native epoll");
    } else {
      Throwable why = vertx.unavailableNativeTransportCause();
      LOG.info("network transport: Java NIO{}", why == null ? "" : " (native epoll unavailable: " + why.getMessage() + ")");
    }
    return vertx;
  }

  /** {@code EDGE_NATIVE_TRANSPORT}: Netty's native epoll where it loads (Linux), else Java NIO. */
  public static boolean nativeTransport(Map<String, String> env) {
    return ConfigReader.of(GatewayConfig.resolve(new JsonObject(), env)).bool(Settings.NATIVE_TRANSPORT);
  }

  /** {@code EDGE_EVENT_LOOPS}, or Vert.x's own default (two per core) when unset or 0. */
  public static int eventLoops(Map<String, String> env) {
    int configured = ConfigReader.of(GatewayConfig.resolve(new JsonObject(), env)).intValue(Settings.EVENT_LOOPS);
    return configured > 0 ? configured : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  }

  private static void printDemo(Gateway gateway, RunningSimulator sim) {
    String api = "http://127.0.0.1:" + gateway.httpPort();
    System.out.println();
    System.out.println("edge-gateway demo: gateway " + api + ", simulated Klevu + Klaviyo " + sim.baseUrl());
    System.out.println();
    System.out.println("# an identified shopper (klaviyo.js cookie with an exchange id): personalized: true");
    System.out.println("curl -s -b '__kla_id=" + DemoWiring.demoCookie() + "' " + api + "/v1/recommendations/" + DemoWiring.DEMO_RECS_KEY);
    System.out.println();
    System.out.println("# an anonymous shopper: the unsegmented answer");
    System.out.println("curl -s " + api + "/v1/recommendations/" + DemoWiring.DEMO_RECS_KEY);
    System.out.println();
    System.out.println("# the same shopper's segments, as Algolia ruleContexts too");
    System.out.println("curl -s -b '__kla_id=" + DemoWiring.demoCookie() + "' " + api + "/v1/segments");
    System.out.println();
    System.out.println("# a demo storefront page with the banner snippet: " + api + "/demo/");
    System.out.println("# upstream call counters: curl -s " + sim.baseUrl() + "/__sim/stats ; metrics: curl -s http://127.0.0.1:"
        + gateway.opsPort() + "/metrics");
    System.out.println();
  }

  /**
   * SIGTERM runs {@code stop}, closes Vert.x and exits 0 (1 when that failed or outlasted {@code boundMs}); any other
   * way out (SIGINT, an exit) runs the same once, from a shutdown hook. Left to the JVM, SIGTERM would exit 143.
   */
  private static void onShutdown(Vertx vertx, Supplier<Future<Void>> stop, long boundMs) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicBoolean started = new AtomicBoolean();
    BooleanSupplier runOnce = () -> {
      if (started.compareAndSet(false, true)) {
        Future<Void> stopped;
        try {
          stopped = stop.get();
        } catch (RuntimeException e) {
          stopped = Future.failedFuture(e);
        }
        stopped.eventually(vertx::close).onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(null);
          } else {
            done.completeExceptionally(ar.cause());
          }
        });
      }
      try {
        done.get(boundMs, TimeUnit.MILLISECONDS);
        return true;
      } catch (java.util.concurrent.TimeoutException e) {
        LOG.error("shutdown: not done within {} ms; exiting anyway", boundMs);
      } catch (Exception e) {
        LOG.error("shutdown: failed ({})", e.getCause() == null ? e.toString() : e.getCause().toString());
      }
      return false;
    };
    Runtime.getRuntime().addShutdownHook(new Thread(runOnce::getAsBoolean, "edge-shutdown"));
    try {
      // the handler must return at once: the drain runs on a thread of its own, then exits
      Signal.handle(new Signal("TERM"), signal -> new Thread(() -> System.exit(runOnce.getAsBoolean() ? 0 : 1),
          "edge-drain").start());
    } catch (IllegalArgumentException e) {
      LOG.warn("SIGTERM cannot be handled here ({}): the JVM's own handling applies", e.getMessage());
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return await(future, 60_000);
  }

  static <T> T await(Future<T> future, long timeoutMs) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

}
