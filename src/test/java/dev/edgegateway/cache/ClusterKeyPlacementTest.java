package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cluster key placement, over sockets against a real three-primary Redis Cluster: for every key family the gateway
 * writes, the keys used together map to one slot (computed with CRC16 and checked against {@code CLUSTER KEYSLOT}),
 * and every command and script the gateway sends runs on the cluster without CROSSSLOT.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterKeyPlacementTest {
  private static final long WAIT_S = 10;

  private RedisClusterProcess cluster;
  private RedisBackend backend;
  private String prefix;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    cluster = RedisClusterProcess.shared();
    prefix = RedisTestSupport.uniquePrefix();
    backend = RedisTestSupport.clusterBackend(vertx, prefix);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (backend != null) {
      RedisTestSupport.deleteByPrefix(backend, prefix).eventually(backend::close).await(WAIT_S, TimeUnit.SECONDS);
    }
  }

  /** Cache keys as the gateway builds them: namespaces of the caches, digests of hostile-looking parts. */
  private List<String> cacheKeys() {
    List<String> keys = new ArrayList<>();
    for (String namespace : List.of("seg", "recs", "cfg", "clicks", "srch", "link", "ban")) {
      for (int i = 0; i < 40; i++) {
        keys.add(CacheKeys.digest(namespace, "apikey-" + i, "{tag" + i + "}", "}{", "shopper-" + i * 7919));
      }
    }
    keys.add("seg:plain");
    keys.add("seg:{already-tagged}:x");
    return keys;
  }

  @Test
  void crc16SlotsAgreeWithRedisOwnComputation() throws Exception {
    List<String> samples = new ArrayList<>(List.of("", "a", "123456789", "{user1000}.following", "foo{}{bar}",
        "foo{{bar}}zap", "foo{bar}{zap}", "{}x", "x{", "x}y{z}", "héllo"));
    samples.add(backend.key(cacheKeys().get(0)));
    for (String key : samples) {
      assertThat(RedisSlots.slot(key)).as("slot of '%s'", key).isEqualTo(cluster.keySlot(key));
    }
    assertThat(RedisSlots.slot("123456789")).isEqualTo(0x31C3 & 16_383); // the CRC16 check value
  }

  @Test
  void anEntryAndItsLeaseShareASlotAndKeysSpreadOverAllPrimaries() {
    RedisLoadLease lease = new RedisLoadLease(backend, LeaseOptions.from(ConfigReader.defaults()));
    Set<Integer> slots = new HashSet<>();
    for (String key : cacheKeys()) {
      String entry = backend.key(key);
      assertThat(RedisSlots.slot(lease.leaseKey(key))).as("lease of %s", key).isEqualTo(RedisSlots.slot(entry));
      slots.add(RedisSlots.slot(entry));
    }
    // entries are not all tagged alike: they spread over the cluster instead of piling on one node
    assertThat(slots).hasSizeGreaterThan(200);
    assertThatThrownBy(() -> RedisSlots.companion("lease:", "a}b{c")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyCommandTheGatewaySendsRunsOnTheClusterWithoutCrossSlot(Vertx vertx) throws Exception {
    RedisLoadLease lease = new RedisLoadLease(backend, LeaseOptions.from(ConfigReader.defaults()));
    RedisCache<String> cache = new RedisCache<>(vertx, "placement", backend, ValueCodecs.string(), lease);
    for (String key : cacheKeys().subList(0, 60)) {
      String entry = backend.key(key);
      Optional<Lease> held = lease.tryAcquire(key, 5_000).await(WAIT_S, TimeUnit.SECONDS);
      assertThat(held).as("lease on %s", key).isPresent();
      assertThat(lease.isHeld(key).await(WAIT_S, TimeUnit.SECONDS)).isTrue();
      cache.put(key, CacheEntry.of("v", 60_000, 60_000, 60_000)).await(WAIT_S, TimeUnit.SECONDS);
      // the entry and its lease in one script: only possible when they share a slot
      Response both = backend.send("eval", Request.cmd(Command.EVAL)
          .arg("return {redis.call('exists', KEYS[1]), redis.call('exists', KEYS[2])}")
          .arg(2).arg(entry).arg(lease.leaseKey(key))).await(WAIT_S, TimeUnit.SECONDS);
      assertThat(both.get(0).toInteger() + both.get(1).toInteger()).isEqualTo(2);
      assertThat(held.get().release().await(WAIT_S, TimeUnit.SECONDS)).isTrue();
      assertThat(cache.get(key).await(WAIT_S, TimeUnit.SECONDS).entry().value()).isEqualTo("v");
    }
    // the token buckets' script: answered by Redis, not by the in-memory fallback
    TokenBuckets buckets = TokenBucketStores.of(Optional.of(backend), "client", 1, 2, 100);
    for (int i = 0; i < 30; i++) {
      buckets.take("client-" + i).await(WAIT_S, TimeUnit.SECONDS);
    }
    assertThat(Metrics.of(vertx).counter("edge_redis_commands_total",
        "client", "default", "command", "rate_limit", "result", "ok").count()).isEqualTo(30);
    assertThat(Metrics.of(vertx).counter("edge_redis_commands_total",
        "client", "default", "command", "eval", "result", "error").count()).isZero();
  }

  @Test
  void aScriptOverKeysOfTwoSlotsIsRefusedSoThePlacementAboveIsWhatMakesItWork() {
    String a = backend.key("seg:a");
    String b = backend.key("seg:b");
    assertThat(RedisSlots.slot(a)).isNotEqualTo(RedisSlots.slot(b));
    Future<Response> crossed = backend.send("eval", Request.cmd(Command.EVAL)
        .arg("return redis.call('exists', KEYS[1]) + redis.call('exists', KEYS[2])").arg(2).arg(a).arg(b));
    assertThatThrownBy(() -> crossed.await(WAIT_S, TimeUnit.SECONDS)).hasMessageContaining("CROSSSLOT");
    assertThat(backend.isHealthy()).as("a refused command is no outage").isTrue();
  }

  @Test
  void aPurgeRemovesMatchingKeysOnEveryPrimary(Vertx vertx) throws Exception {
    RedisCache<String> cache = new RedisCache<>(vertx, "purge", backend, ValueCodecs.string());
    Set<Integer> nodes = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      cache.put("cfg:shop1:" + i, CacheEntry.of("v", 60_000, 60_000, 60_000)).await(WAIT_S, TimeUnit.SECONDS);
      nodes.add(RedisSlots.slot(backend.key("cfg:shop1:" + i)) * 3 / RedisSlots.SLOTS);
    }
    cache.put("cfg:shop2:kept", CacheEntry.of("v", 60_000, 60_000, 60_000)).await(WAIT_S, TimeUnit.SECONDS);
    assertThat(nodes).as("keys on every primary (slots split in thirds by redis-cli)").hasSize(3);
    assertThat(cache.removeByPrefix("cfg:shop1:").await(WAIT_S, TimeUnit.SECONDS)).isEqualTo(300);
    assertThat(cache.get("cfg:shop1:7").await(WAIT_S, TimeUnit.SECONDS)).isNull();
    assertThat(cache.get("cfg:shop2:kept").await(WAIT_S, TimeUnit.SECONDS)).isNotNull();
  }
}
