package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The contract against the real Redis, plus what only the Redis store promises (PX, key layout, format). */
class RedisCacheContractTest extends CacheContractTest {
  private final String prefix = RedisTestSupport.uniquePrefix();
  private RedisBackend backend;

  /** The Redis under test: the local server here, a cluster in {@link RedisClusterCacheContractTest}. */
  protected RedisBackend newBackend(Vertx vertx, String prefix) throws Exception {
    return RedisTestSupport.backendOrSkip(vertx, prefix);
  }

  @Override
  protected Cache<String> createCache(Vertx vertx) throws Exception {
    backend = newBackend(vertx, prefix);
    return new RedisCache<>(vertx, "contract", backend, ValueCodecs.string());
  }

  @Override
  protected Future<Void> cleanUp() {
    return RedisTestSupport.deleteByPrefix(backend, prefix).eventually(() -> backend.close());
  }

  @Test
  void putSetsPxToTheTimeLeftUntilKeepUntil(VertxTestContext ctx) {
    long now = System.currentTimeMillis();
    CacheEntry<String> e = new CacheEntry<>("v", now + 1_000, now + 2_000, now + 5_000, false);
    cache.put("seg:k:pttl", e)
        .compose(v -> RedisTestSupport.pttl(backend, prefix + "seg:k:pttl"))
        .onComplete(ctx.succeeding(pttl -> ctx.verify(() -> {
          assertThat(pttl).isBetween(3_000L, 5_000L);
          ctx.completeNow();
        })));
  }

  @Test
  void keysAreNamespacedAndValuesCarryACompactBinaryHeader(VertxTestContext ctx) {
    CacheEntry<String> e = longLived("héllo");
    cache.put("seg:apikey:hash", e)
        .compose(v -> backend.send("get", Request.cmd(Command.GET).arg(prefix + "seg:apikey:hash")))
        .onComplete(ctx.succeeding(raw -> ctx.verify(() -> {
          assertThat(raw).as("stored under <prefix><key>").isNotNull();
          Buffer bytes = raw.toBuffer();
          byte[] payload = "héllo".getBytes(StandardCharsets.UTF_8);
          assertThat(bytes.length()).isEqualTo(EntryFormat.HEADER_BYTES + payload.length);
          assertThat(bytes.getByte(0)).isEqualTo(EntryFormat.MAGIC);
          assertThat(bytes.getByte(1)).isEqualTo(EntryFormat.VERSION);
          assertThat(bytes.getLong(3)).isEqualTo(e.freshUntil());
          assertThat(bytes.getBytes(EntryFormat.HEADER_BYTES, bytes.length())).isEqualTo(payload);
          ctx.completeNow();
        })));
  }

  @Test
  void defaultPrefixIsVersioned() {
    assertThat(RedisCacheOptions.defaults().keyPrefix()).isEqualTo("edge:v1:");
    assertThat(backend.key("seg:a:b")).isEqualTo(prefix + "seg:a:b");
  }

  @Test
  void bytesThatDoNotDecodeReadAsAMissAndAreCounted(VertxTestContext ctx) {
    backend.send("set", Request.cmd(Command.SET).arg(prefix + "seg:k:junk").arg("not an entry").arg("PX").arg(60_000))
        .compose(v -> cache.get("seg:k:junk"))
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit).isNull();
          assertThat(Metrics.of(vertx).counter("edge_redis_decode_errors_total", "cache", "contract").count())
              .isEqualTo(1.0);
          ctx.completeNow();
        })));
  }

  @Test
  void severalCachesShareOneBackendAndCountCommands(VertxTestContext ctx) {
    RedisCache<JsonObject> json = new RedisCache<>(vertx, "json", backend, ValueCodecs.json());
    CacheEntry<JsonObject> doc = CacheEntry.of(new JsonObject().put("ids", "a,b"), 60_000, 0, 0);
    json.put("recs:k:1", doc)
        .compose(v -> json.close()) // a cache over a shared backend leaves it open
        .compose(v -> cache.put("seg:k:1", longLived("s")))
        .compose(v -> json.get("recs:k:1"))
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit.entry().value().getString("ids")).isEqualTo("a,b");
          assertThat(backend.isHealthy()).isTrue();
          double sets = Metrics.of(vertx).counter("edge_redis_commands_total",
              "client", "default", "command", "set", "result", "ok").count();
          assertThat(sets).isEqualTo(2.0);
          assertThat(Metrics.of(vertx).get("edge_redis_up").gauge().value()).isEqualTo(1.0);
          ctx.completeNow();
        })));
  }

  @Test
  void codecsRoundTripThroughRedis(VertxTestContext ctx) {
    RedisCache<Buffer> bytes = new RedisCache<>(vertx, "bytes", backend, ValueCodecs.buffer());
    RedisCache<io.vertx.core.json.JsonArray> array = new RedisCache<>(vertx, "array", backend, ValueCodecs.jsonArray());
    Buffer binary = Buffer.buffer(new byte[] {0, (byte) 0xFF, 1, 2, (byte) 0xED});
    io.vertx.core.json.JsonArray ids = new io.vertx.core.json.JsonArray().add("p1").add(2).add(true);
    bytes.put("b:1", CacheEntry.of(binary, 60_000, 0, 0))
        .compose(v -> array.put("a:1", CacheEntry.of(ids, 60_000, 0, 0)))
        .compose(v -> Future.all(bytes.get("b:1"), array.get("a:1")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          CacheHit<Buffer> b = all.resultAt(0);
          CacheHit<io.vertx.core.json.JsonArray> a = all.resultAt(1);
          assertThat(b.entry().value()).isEqualTo(binary);
          assertThat(b.tier()).isEqualTo(CacheTier.L2);
          assertThat(a.entry().value()).isEqualTo(ids);
          ctx.completeNow();
        })));
  }
}
