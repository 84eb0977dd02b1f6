package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RedisBackendTest {

  @Test
  void optionsHaveDocumentedDefaultsAndReadJson() {
    RedisCacheOptions defaults = RedisCacheOptions.defaults();
    assertThat(defaults.endpoints()).containsExactly("redis://127.0.0.1:6379");
    assertThat(defaults.type()).isEqualTo(RedisClientType.STANDALONE);
    assertThat(defaults.commandTimeoutMs()).isEqualTo(50);
    assertThat(defaults.keyPrefix()).isEqualTo("edge:v1:");

    RedisCacheOptions json = fromRedisSection(new JsonObject()
        .put("endpoints", new JsonArray().add("redis://s1:26379").add("redis://s2:26379"))
        .put("type", "sentinel").put("masterName", "edge").put("role", "master")
        .put("maxPoolSize", 4).put("maxPoolWaiting", 32).put("maxWaitingHandlers", 64)
        .put("commandTimeoutMs", 75).put("connectTimeoutMs", 300)
        .put("reconnectInitialBackoffMs", 10).put("reconnectMaxBackoffMs", 1_000)
        .put("keyPrefix", "edge:v2:").put("clientName", "sessions"));
    RedisOptions mapped = json.toRedisOptions();
    assertThat(mapped.getType()).isEqualTo(RedisClientType.SENTINEL);
    assertThat(mapped.getEndpoints()).containsExactly("redis://s1:26379", "redis://s2:26379");
    assertThat(mapped.getMasterName()).isEqualTo("edge");
    assertThat(mapped.getRole()).isEqualTo(RedisRole.MASTER);
    assertThat(mapped.getMaxPoolSize()).isEqualTo(4);
    assertThat(mapped.getMaxPoolWaiting()).isEqualTo(32);
    assertThat(mapped.getMaxWaitingHandlers()).isEqualTo(64);
    assertThat(mapped.getNetClientOptions().getConnectTimeout()).isEqualTo(300);
    assertThat(fromRedisSection(json.toJson()).toJson()).isEqualTo(json.toJson());
  }

  @Test
  void logsNeverShowCredentialsAndOnlyAUrlEnablesRedis() {
    RedisCacheOptions options = RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_URL, "redis://user:s3cret@10.0.0.5:6380/2"));
    assertThat(options.redactedEndpoints()).isEqualTo("redis://10.0.0.5:6380").doesNotContain("s3cret");
    assertThat(RedisCacheOptions.isConfigured(null)).isFalse();
    assertThat(RedisCacheOptions.isConfigured(new JsonObject())).isFalse();
    assertThat(RedisCacheOptions.isConfigured(new JsonObject().put("connectionString", " "))).isFalse();
    assertThat(RedisCacheOptions.isConfigured(new JsonObject().put("connectionString", "redis://h:1"))).isTrue();
    assertThat(RedisCacheOptions.isConfigured(new JsonObject().put("endpoints", new JsonArray(List.of("redis://h:1")))))
        .isTrue();
  }

  @Test
  void anErrorReplyIsNoOutage(Vertx vertx, VertxTestContext ctx) {
    String prefix = RedisTestSupport.uniquePrefix();
    RedisBackend checked = RedisTestSupport.backendOrSkip(vertx, prefix);
    checked.close();
    RedisBackend backend = RedisBackend.create(vertx, RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_URL, RedisTestSupport.URL).with(Settings.REDIS_KEY_PREFIX, prefix)
            .with(Settings.REDIS_FAILURES_BEFORE_DOWN, 1)
        .with(Settings.REDIS_COMMAND_TIMEOUT_MS, 2_000)));
    String key = prefix + "not-a-number";
    backend.send("set", Request.cmd(Command.SET).arg(key).arg("abc").arg("PX").arg(10_000))
        .compose(v -> backend.send("incr", Request.cmd(Command.INCR).arg(key)))
        .transform(ar -> {
          ctx.verify(() -> {
            assertThat(ar.failed()).isTrue();
            assertThat(OutcomeException.outcomeOf(ar.cause())).isEqualTo(Outcome.UPSTREAM_ERROR);
            assertThat(backend.isHealthy()).isTrue();
          });
          return backend.send("del", Request.cmd(Command.DEL).arg(key));
        })
        .eventually(backend::close)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void consecutiveTimeoutsMarkRedisDownAndTheProbeBringsItBack(Vertx vertx, VertxTestContext ctx) {
    String prefix = RedisTestSupport.uniquePrefix();
    RedisTestSupport.backendOrSkip(vertx, prefix).close();
    RedisBackend backend = RedisBackend.create(vertx, RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_URL, RedisTestSupport.URL).with(Settings.REDIS_KEY_PREFIX, prefix)
        .with(Settings.REDIS_COMMAND_TIMEOUT_MS, 200).with(Settings.REDIS_FAILURES_BEFORE_DOWN, 2)
        .with(Settings.REDIS_RECONNECT_INITIAL_BACKOFF_MS, 20).with(Settings.REDIS_RECONNECT_MAX_BACKOFF_MS, 100)));
    // BLPOP on an empty list holds the reply for 1.5 s: far longer than the command timeout
    Request block1 = Request.cmd(Command.BLPOP).arg(prefix + "empty").arg("1.5");
    Request block2 = Request.cmd(Command.BLPOP).arg(prefix + "empty").arg("1.5");
    dev.edgegateway.Awaits.until(vertx, backend::isHealthy, 5_000)
        // a success first: it resets the failure count, whatever a slow first connect did
        .compose(v -> backend.send("ping", Request.cmd(Command.PING)))
        .compose(v -> backend.send("blpop", block1).transform(ar -> {
          ctx.verify(() -> {
            assertThat(OutcomeException.outcomeOf(ar.cause())).isEqualTo(Outcome.TIMEOUT);
            assertThat(backend.isHealthy()).as("one timeout is below the threshold").isTrue();
          });
          return backend.send("blpop", block2);
        }))
        .transform(ar -> {
          ctx.verify(() -> {
            assertThat(OutcomeException.outcomeOf(ar.cause())).isEqualTo(Outcome.TIMEOUT);
            assertThat(backend.isHealthy()).as("two in a row mark it down").isFalse();
          });
          return dev.edgegateway.Awaits.until(vertx, backend::isHealthy, 5_000);
        })
        .eventually(backend::close)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aClosedBackendFailsAtOnce(Vertx vertx, VertxTestContext ctx) {
    RedisBackend backend = RedisBackend.create(vertx, RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_URL, RedisTestSupport.URL)));
    backend.close()
        .compose(v -> backend.send("get", Request.cmd(Command.GET).arg("x")))
        .onComplete(ctx.failing(t -> ctx.verify(() -> {
          assertThat(OutcomeException.outcomeOf(t)).isEqualTo(Outcome.UNAVAILABLE);
          assertThat(backend.isHealthy()).isFalse();
          ctx.completeNow();
        })));
  }

  private static RedisCacheOptions fromRedisSection(JsonObject redis) {
    return RedisCacheOptions.from(ConfigReader.of(new JsonObject().put("cache", new JsonObject().put("redis", redis))));
  }
}
