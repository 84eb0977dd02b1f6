package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.RunningSimulator;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.SimulatorVerticle;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding 1 of the hostile-traffic review, over loopback sockets: searches to hosts a client made up, or that fail
 * because of what a client sent, never pause the banners of real shoppers; and an error body says what class of
 * failure happened, never an exception. The Klevu search host is a server of this test, named
 * {@code search.edge-test.invalid} (the gateway's resolver knows that name alone; any other name under the
 * reserved {@code .invalid} never resolves): it forwards to the simulator, fails a payload that asks for it
 * ({@code fail-me}), never answers one that asks for that ({@code slow-me}) and streams an endless answer to
 * {@code huge-me}.
 */
class SearchIsolationTest {
  private static final String API_KEY = "klevu-demo-api-key";
  private static final String DOMAIN = "edge-test.invalid";

  private Vertx vertx;
  private HttpServer searchHost;
  private HttpClient forward;
  private RunningSimulator sim;
  private TestGateway env;
  private int closedPort;
  private final AtomicInteger searches = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
        .setHostsValue(Buffer.buffer("127.0.0.1 localhost\n127.0.0.1 search." + DOMAIN + "\n"))
        // no query leaves the machine: a name not in the hosts above fails within the query timeout
        .setServers(List.of("127.0.0.1:9")).setQueryTimeout(200).setMaxQueries(1).setSearchDomains(List.of())));
    forward = vertx.createHttpClient();
    searchHost = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      searches.incrementAndGet();
      if (body.toString().contains("fail-me")) {
        request.response().setStatusCode(500).end("{\"error\":\"boom\"}");
      } else if (body.toString().contains("huge-me")) {
        EndlessAnswer.write(request.response().setChunked(true).putHeader("Content-Type", "application/json"),
            Buffer.buffer(" ".repeat(64 * 1024)));
      } else if (!body.toString().contains("slow-me")) {
        forward.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(simUrl() + request.path())
                .putHeader("Content-Type", "application/json"))
            .compose(out -> out.send(body)).compose(answer -> answer.body()
                .map(read -> request.response().setStatusCode(answer.statusCode())
                    .putHeader("Content-Type", "application/json").end(read)));
      }
    })).listen(0, "127.0.0.1"));
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    sim = await(SimulatorVerticle.start(vertx, new SimulatorOptions().setPort(0)
        .setAdvertisedAddress("search." + DOMAIN + ":" + searchHost.actualPort())));
    // the simulator advertises the search host: every other upstream is the simulator itself
    env = await(TestGateway.attach(vertx, sim, Map.of(
        "EDGE_KLEVU_VISITOR_URL", simUrl() + "/public/1.0", "EDGE_KLEVU_CONFIG_URL", simUrl() + "/recommendations/",
        "EDGE_KLEVU_STATS_URL", simUrl() + "/analytics/collect", "EDGE_KLAVIYO_URL", simUrl(),
        // a bare wildcard (the review's default *.ksearchnet.com), the same on the search host's port, and a
        // host listed exactly on a port where nothing listens
        "EDGE_SEARCH_ALLOWED_HOSTS", "*." + DOMAIN + ",*." + DOMAIN + ":" + searchHost.actualPort()
            + ",127.0.0.1:" + closedPort,
        "EDGE_BREAKER_MAX_FAILURES", "5", "EDGE_BREAKER_RESET_MS", "60000", "EDGE_UPSTREAM_MAX_RETRIES", "0",
        // the upstream timeout (1.5 s) well within the request's deadline, however slowly a cold JVM starts
        "EDGE_REQUEST_TIMEOUT_MS", "6000")));
  }

  @AfterEach
  void stop() throws Exception {
    await(env.stop().eventually(() -> sim.close()).eventually(() -> vertx.close()));
  }

  private String simUrl() {
    return "http://127.0.0.1:" + sim.port();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static JsonObject payload(String queryId) {
    return new JsonObject().put("context", new JsonObject().put("apiKeys", new JsonArray().add(API_KEY)))
        .put("recordQueries", new JsonArray().add(new JsonObject().put("id", queryId).put("typeOfRequest", "SEARCH")
            .put("settings", new JsonObject().put("query", new JsonObject().put("term", "*")).put("limit", 3))));
  }

  private HttpResponse<Buffer> search(String host, String queryId, String requestId) throws Exception {
    return await(env.client.post("/klevu/search/" + host + "/cs/v2/search").putHeader("X-Request-Id", requestId)
        .sendJsonObject(payload(queryId)));
  }

  /** A new shopper's banner (no cookies) on a product page. */
  private JsonObject banner(String pid) throws Exception {
    HttpResponse<Buffer> page = await(env.client.get("/v1/recommendations/k-home-1?pid=" + pid).send());
    assertThat(page.statusCode()).isEqualTo(200);
    return page.bodyAsJsonObject();
  }

  private double meter(String name, String... tags) {
    return Metrics.of(vertx).find(name).tags(tags).meters().stream()
        .mapToDouble(m -> m instanceof Counter c ? c.count() : m.measure().iterator().next().getValue()).sum();
  }

  @Test
  void madeUpHostsUnderTheWildcardAreRefusedAndNeverOpenTheBannersBreaker() throws Exception {
    List<String> madeUp = List.of("nx1." + DOMAIN, "nx2." + DOMAIN, "nx3." + DOMAIN, "nx4." + DOMAIN,
        "NX5." + DOMAIN.toUpperCase() + ":" + searchHost.actualPort(), "x." + DOMAIN + ":6379");
    List<HttpResponse<Buffer>> junk = new java.util.ArrayList<>();
    for (int i = 0; i < madeUp.size(); i++) {
      junk.add(search(madeUp.get(i), "q" + i, "junk-" + i));
    }

    JsonObject page = banner("777001");
    assertThat(page.getJsonArray("degraded")).as("the banner of a new shopper after the junk").isEmpty();
    assertThat(page.getJsonArray("products")).isNotEmpty();
    for (HttpResponse<Buffer> refused : junk) {
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(403);
      JsonObject body = refused.bodyAsJsonObject();
      assertThat(body.getString("error")).isEqualTo("forbidden_upstream");
      assertThat(body.getString("reason")).isEqualTo("search_host_refused");
    }
    assertThat(searches.get()).as("only the banner's search reached a search host").isEqualTo(1);
    assertThat(meter("edge_recs_search_refused_total", "reason", "not_named")).isEqualTo(5);
    assertThat(meter("edge_recs_search_refused_total", "reason", "not_allowed")).as(":6379 is on no entry").isEqualTo(1);
    assertThat(meter("edge_upstream_circuit_open", "upstream", "search")).isZero();

    // once a Klevu config named the host, clients' searches may go there too (the SDK's KMC queries)
    HttpResponse<Buffer> named = search("search." + DOMAIN + ":" + searchHost.actualPort(), "q-ok", "ok-1");
    assertThat(named.statusCode()).as(named.bodyAsString()).isEqualTo(200);
    assertThat(named.bodyAsJsonObject().getJsonArray("queryResults")).isNotEmpty();
  }

  @Test
  void aClientsFailingSearchesPauseOnlyTheirOwnBreakerNeverTheBanners() throws Exception {
    assertThat(banner("1001").getJsonArray("degraded")).isEmpty(); // a Klevu config names the host
    String host = "search." + DOMAIN + ":" + searchHost.actualPort();
    List<HttpResponse<Buffer>> failed = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      failed.add(search(host, "fail-me-" + i, "fail-" + i));
    }
    HttpResponse<Buffer> paused = search(host, "fail-me-6", "paused-1");
    JsonObject page = banner("1002");

    assertThat(page.getJsonArray("degraded")).as("a new banner after the client's failures").isEmpty();
    assertThat(page.getJsonArray("products")).isNotEmpty();
    for (HttpResponse<Buffer> answer : failed) {
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(502);
      assertThat(answer.bodyAsJsonObject().getString("reason")).isEqualTo("upstream_status");
    }
    assertThat(paused.statusCode()).as("the clients' breaker of the host is open").isEqualTo(503);
    assertThat(paused.bodyAsJsonObject().getString("reason")).isEqualTo("circuit_open");
    assertThat(paused.getHeader("Retry-After")).isNotNull();
  }

  @Test
  void errorBodiesSayTheClassOfFailureAndTheRequestIdNeverAnException() throws Exception {
    HttpResponse<Buffer> unreachable = search("127.0.0.1:" + closedPort, "q1", "probe-unreachable-1");
    assertThat(banner("2001").getJsonArray("degraded")).isEmpty();
    HttpResponse<Buffer> slow = search("search." + DOMAIN + ":" + searchHost.actualPort(), "slow-me", "probe-slow-1");

    assertThat(unreachable.statusCode()).isEqualTo(502);
    JsonObject body = unreachable.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo("upstream_error");
    assertThat(body.getString("reason")).isEqualTo("upstream_unreachable");
    assertThat(body.getString("requestId")).isEqualTo("probe-unreachable-1")
        .isEqualTo(unreachable.getHeader("X-Request-Id"));
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(slow.bodyAsJsonObject().getString("reason")).isEqualTo("upstream_timeout");
    assertThat(slow.bodyAsJsonObject().getString("requestId")).isEqualTo("probe-slow-1");
    for (HttpResponse<Buffer> answer : List.of(unreachable, slow)) {
      assertThat(answer.bodyAsString()).doesNotContain("Exception", "refused", "127.0.0.1", "search.");
      assertThat(answer.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("error", "reason", "message",
          "requestId");
    }
  }

  /** Finding 8: an answer over the search's size cap (4 MiB) is cut off as it streams in, and counted. */
  @Test
  void aSearchAnswerOverTheCapIsCutOffAndCounted() throws Exception {
    assertThat(banner("3001").getJsonArray("degraded")).isEmpty();
    HttpResponse<Buffer> huge = search("search." + DOMAIN + ":" + searchHost.actualPort(), "huge-me", "probe-huge-1");

    assertThat(huge.statusCode()).as(huge.bodyAsString()).isEqualTo(502);
    assertThat(huge.bodyAsJsonObject().getString("reason")).isEqualTo("upstream_oversize");
    assertThat(meter("edge_upstream_oversize_total", "upstream", "search")).isEqualTo(1);
    assertThat(banner("3002").getJsonArray("degraded")).isEmpty();
  }
}
