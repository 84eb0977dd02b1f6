package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.RunningSimulator;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.SimulatorVerticle;
import dev.edgegateway.sim.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server-side list of a shopper's last clicked products, over sockets, on the real Redis: clicks sent to
 * gateway A through {@code POST /v1/events} are still there after A restarts, and an identified shopper's HOME
 * RECENTLY_VIEWED banner on gateway B, from a second device that shares nothing with the first but the exchange id,
 * shows them, latest first; the search B sends carries them as @klevu/core would. Redis holds no id in clear.
 */
@ExtendWith(VertxExtension.class)
class RecentlyViewedAcrossGatewaysTest {
  private static final String SHARED_REDIS = System.getenv().getOrDefault("EDGE_REDIS_URL", "redis://127.0.0.1:6379");
  private static final String RECENTLY_VIEWED = "kmc.HOME.RECENTLY_VIEWED.rv";

  private static JsonObject click(JsonObject banner, String productId) {
    JsonObject product = new JsonObject().put("id", productId).put("price", "10.00").put("salePrice", "9.00");
    return new JsonObject().put("type", "click").put("recsKey", banner.getString("recsKey"))
        .put("list", banner.getJsonObject("analytics")).put("items", new JsonArray().add(product));
  }

  private static List<String> ids(HttpResponse<Buffer> page) {
    return page.bodyAsJsonObject().getJsonArray("products").stream()
        .map(p -> ((JsonObject) p).getString("id")).toList();
  }

  @Test
  void theListSurvivesARestartAndFollowsTheShopperToASecondDeviceOnAnotherGateway(Vertx vertxA,
      VertxTestContext ctx) {
    Vertx vertxB = Vertx.vertx();
    String prefix = "edge:test:" + UUID.randomUUID() + ":";
    Map<String, String> env = new HashMap<>(Map.of("EDGE_REDIS_URL", SHARED_REDIS, "EDGE_REDIS_KEY_PREFIX", prefix,
        "EDGE_REDIS_COMMAND_TIMEOUT_MS", "1000", "EDGE_REQUEST_TIMEOUT_MS", "10000",
        "EDGE_SEGMENTS_BUDGET_MS", "8000", "EDGE_UPSTREAM_TIMEOUT_MS", "8000"));
    String exchangeId = TestGateway.exchangeId("rv-" + UUID.randomUUID());
    String firstDevice = "__kla_id=" + TestGateway.klaCookie(exchangeId);
    AtomicReference<RunningSimulator> sim = new AtomicReference<>();
    AtomicReference<TestGateway> a = new AtomicReference<>();
    AtomicReference<TestGateway> b = new AtomicReference<>();
    SimulatorVerticle.start(vertxA, new SimulatorOptions().setPort(0)).compose(started -> {
      sim.set(started);
      return TestGateway.attach(vertxA, started, env);
    }).compose(gw -> {
      a.set(gw);
      // the first device sees the trending banner and clicks two products, then a third in its own request
      return gw.client.get("/v1/recommendations/kmc.HOME.TRENDING.rv").putHeader("Cookie", firstDevice).send();
    }).compose(trending -> {
      JsonObject banner = trending.bodyAsJsonObject();
      JsonObject two = new JsonObject().put("events", new JsonArray()
          .add(click(banner, "10011")).add(click(banner, "10012")));
      return a.get().client.post("/v1/events").putHeader("Cookie", firstDevice).sendJsonObject(two)
          .compose(r -> {
            ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(202));
            return a.get().client.post("/v1/events").putHeader("Cookie", firstDevice)
                .sendJsonObject(click(banner, "10013"));
          });
    }).compose(r -> {
      ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(202));
      // a restart: the process and its memory go, Redis stays
      return a.get().stop();
    }).compose(v -> TestGateway.attach(vertxA, sim.get(), env)).compose(restarted -> {
      a.set(restarted);
      return restarted.client.get("/v1/recommendations/" + RECENTLY_VIEWED).putHeader("Cookie", firstDevice).send();
    }).compose(afterRestart -> {
      ctx.verify(() -> assertThat(ids(afterRestart)).containsExactly("10013", "10012", "10011"));
      return TestGateway.attach(vertxB, sim.get(), env);
    }).compose(gw -> {
      b.set(gw);
      // the second device: no cookie at all, only the exchange id of an email link
      String link = "/v1/recommendations/" + RECENTLY_VIEWED + "?_kx=" + URLEncoder.encode(exchangeId, StandardCharsets.UTF_8);
      return gw.client.get(link).send();
    }).compose(onB -> {
      ctx.verify(() -> {
        assertThat(onB.bodyAsJsonObject().getJsonArray("degraded")).isEmpty();
        assertThat(ids(onB)).containsExactly("10013", "10012", "10011");
        JsonObject settings = sim.get().state().requestsJson(Upstream.SEARCH, 0, 100).stream()
            .map(JsonObject.class::cast).reduce((first, second) -> second).orElseThrow()
            .getJsonObject("body").getJsonArray("recordQueries").getJsonObject(0).getJsonObject("settings");
        assertThat(settings.getString("customANDQuery")).isEqualTo("id:(10013 OR 10012 OR 10011)");
      });
      return redisKeys(vertxA, prefix);
    }).compose(keys -> {
      ctx.verify(() -> {
        assertThat(keys).anySatisfy(k -> assertThat(k).startsWith(prefix + "clicks:"));
        assertThat(keys).allSatisfy(k -> assertThat(k).doesNotContain(exchangeId).doesNotContain("1001"));
      });
      return TestGateway.deleteRedisKeys(vertxA, SHARED_REDIS, prefix);
    }).eventually(() -> Future.join(a.get() == null ? Future.succeededFuture() : a.get().stop(),
            b.get() == null ? Future.succeededFuture() : b.get().stop())
        .compose(v -> sim.get() == null ? Future.succeededFuture() : sim.get().close())
        .eventually(vertxB::close))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<List<String>> redisKeys(Vertx vertx, String prefix) {
    Redis client = Redis.createClient(vertx, SHARED_REDIS);
    return client.send(Request.cmd(Command.KEYS).arg(prefix + "*"))
        .map(keys -> keys.stream().map(Response::toString).toList())
        .eventually(() -> {
          client.close();
          return Future.succeededFuture();
        });
  }
}
