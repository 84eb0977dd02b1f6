package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.SimCounter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /cache/purge/{recsKey}} on the ops port drops that recommendation's configs (every page context and
 * segment set) and memoised banners, from memory and from Redis, leaves the others alone, and names the surrogate
 * key to purge at the CDN. Real sockets on loopback; the Redis case uses the real Redis at 127.0.0.1:6379.
 */
@ExtendWith(VertxExtension.class)
class CachePurgeTest {
  private static final String REDIS_URL = "redis://127.0.0.1:6379";
  private TestGateway env;
  private WebClient ops;
  private String redisPrefix;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (env == null) {
      ctx.completeNow();
      return;
    }
    ops.close();
    Future<Void> cleaned = redisPrefix == null ? Future.succeededFuture()
        : TestGateway.deleteRedisKeys(env.vertx, REDIS_URL, redisPrefix);
    cleaned.eventually(() -> env.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<TestGateway> start(Vertx vertx, Map<String, String> extraEnv) {
    return TestGateway.start(vertx, extraEnv).onSuccess(started -> {
      env = started;
      ops = WebClient.create(vertx);
    });
  }

  private Future<HttpResponse<Buffer>> page(String recsKey, String query) {
    return env.client.get("/v1/recommendations/" + recsKey + query).send();
  }

  private Future<HttpResponse<Buffer>> purge(String recsKey) {
    return ops.post(env.gateway.opsPort(), "127.0.0.1", "/cache/purge/" + recsKey).send();
  }

  private Future<List<HttpResponse<Buffer>>> warm() {
    // two page contexts of k-home, and another recommendation
    return Future.all(page("k-home", "?pid=39814"), page("k-home", "?pid=11687"), page("k-pdp", "?pid=39814"))
        .compose(first -> Future.all(page("k-home", "?pid=39814"), page("k-home", "?pid=11687"),
            page("k-pdp", "?pid=39814")))
        .map(all -> {
          List<HttpResponse<Buffer>> out = new ArrayList<>();
          for (int i = 0; i < all.size(); i++) {
            out.add(all.resultAt(i));
          }
          return out;
        });
  }

  private void purgesOneRecommendation(Vertx vertx, VertxTestContext ctx, Map<String, String> extraEnv) {
    List<Long> configCalls = new ArrayList<>();
    start(vertx, extraEnv)
        .compose(started -> warm())
        .compose(warmed -> {
          ctx.verify(() -> {
            warmed.forEach(p -> assertThat(p.getHeader("X-Cache")).isEqualTo("hit-l1"));
            assertThat(env.count(SimCounter.CONFIG)).isEqualTo(3);
          });
          return purge("k-home");
        })
        .compose(purged -> {
          ctx.verify(() -> {
            assertThat(purged.statusCode()).isEqualTo(200);
            JsonObject body = purged.bodyAsJsonObject();
            assertThat(body.getString("surrogateKey")).isEqualTo("recs-k-home");
            assertThat(body.getJsonObject("purged").getLong("configs")).isEqualTo(2L);
            assertThat(body.getJsonObject("purged").getLong("banners")).isEqualTo(2L);
          });
          configCalls.add(env.count(SimCounter.CONFIG));
          return Future.all(page("k-home", "?pid=39814"), page("k-home", "?pid=11687"), page("k-pdp", "?pid=39814"));
        })
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          HttpResponse<Buffer> home = after.resultAt(0);
          HttpResponse<Buffer> pdp = after.resultAt(2);
          assertThat(home.statusCode()).isEqualTo(200);
          assertThat(home.getHeader("X-Cache")).as("k-home's config is asked for again").isEqualTo("miss");
          assertThat(pdp.getHeader("X-Cache")).as("another recommendation keeps its entries").isEqualTo("hit-l1");
          assertThat(env.count(SimCounter.CONFIG)).isEqualTo(configCalls.get(0) + 2);
          ctx.completeNow();
        })));
  }

  @Test
  void purgeDropsOneRecommendationFromMemory(Vertx vertx, VertxTestContext ctx) {
    purgesOneRecommendation(vertx, ctx, Map.of("EDGE_CACHE_MODE", "memory"));
  }

  @Test
  void purgeDropsOneRecommendationFromRedisToo(Vertx vertx, VertxTestContext ctx) {
    redisPrefix = "edge:test:purge:" + System.nanoTime() + ":";
    purgesOneRecommendation(vertx, ctx, Map.of("EDGE_REDIS_URL", REDIS_URL, "EDGE_REDIS_KEY_PREFIX", redisPrefix));
  }

  @Test
  void purgeRefusesABadKeyAndIsNotOnTheStorefrontPort(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of())
        .compose(started -> purge("bad%20key"))
        .compose(bad -> env.client.post("/cache/purge/k-home").send().map(storefront -> List.of(bad, storefront)))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertThat(answers.get(0).statusCode()).isEqualTo(400);
          assertThat(answers.get(1).statusCode()).isEqualTo(404);
          ctx.completeNow();
        })));
  }
}
