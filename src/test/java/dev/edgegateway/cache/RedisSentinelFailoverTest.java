package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.Awaits;
import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sentinel failover over sockets: one primary, one replica, three sentinels on loopback
 * ({@link RedisSentinelProcess}). The gateway's cache, configured with the sentinels only, must write to and read
 * from the new primary within 5 s of the sentinels' switch, whether the old primary was killed or demoted alive.
 * CI runs it ({@code REQUIRE_REDIS_SENTINEL=1}); without the Redis binaries it is skipped locally.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisSentinelFailoverTest {
  private static final long TARGET_MS = 5_000;

  private RedisSentinelProcess sentinels;
  private RedisBackend backend;
  private RedisCache<String> cache;
  private final AtomicInteger writes = new AtomicInteger();

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    sentinels = RedisSentinelProcess.start();
    backend = RedisBackend.create(vertx, RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_TYPE, "SENTINEL")
        .with(Settings.REDIS_ENDPOINTS, sentinels.sentinelEndpoints())
        .with(Settings.REDIS_MASTER_NAME, RedisSentinelProcess.MASTER)
        .with(Settings.REDIS_KEY_PREFIX, "edge:sentinel:")
        .with(Settings.REDIS_COMMAND_TIMEOUT_MS, 500)));
    cache = new RedisCache<>(vertx, "sentinel", backend, ValueCodecs.string());
    // the first command of a cold JVM (sentinel look-up, connect, handshake) may outlast the command timeout
    Awaits.untilAnswered(vertx, () -> backend.send("ping", Request.cmd(Command.PING)).map(pong -> true), 10_000, 50)
        .await(15, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (backend != null) {
      backend.close().await(10, TimeUnit.SECONDS);
    }
    if (sentinels != null) {
      sentinels.close();
    }
  }

  @Test
  void aKilledPrimaryIsReplacedAndWritesReachTheNewOneWithinFiveSeconds(Vertx vertx) throws Exception {
    writeAndRead(vertx, sentinels.primary());
    sentinels.primary().kill();
    long killedAt = System.nanoTime();
    long switchedAt = awaitSwitch();
    long usedAt = awaitWritesOn(vertx, sentinels.replica());
    assertThat((usedAt - switchedAt) / 1_000_000).as("ms from the sentinels' switch (%d ms after the kill) to a write "
        + "on the new primary", (switchedAt - killedAt) / 1_000_000).isLessThanOrEqualTo(TARGET_MS);
    assertThat(backend.isHealthy()).isTrue();
  }

  @Test
  void aPrimaryDemotedAliveIsLeftAndWritesReachTheNewOneWithinFiveSeconds(Vertx vertx) throws Exception {
    writeAndRead(vertx, sentinels.primary());
    // a failover without a crash: the old primary becomes a replica, the pool's connections to it stay open
    RedisCli.call(sentinels.sentinelEndpoints().stream().map(u -> u.substring(u.lastIndexOf(':') + 1))
        .map(Integer::parseInt).findFirst().orElseThrow(), "sentinel", "failover", RedisSentinelProcess.MASTER);
    long switchedAt = awaitSwitch();
    long usedAt = awaitWritesOn(vertx, sentinels.replica());
    assertThat((usedAt - switchedAt) / 1_000_000).isLessThanOrEqualTo(TARGET_MS);
    // reads and writes keep going to the new primary, never to the demoted one
    for (int i = 0; i < 20; i++) {
      writeAndRead(vertx, sentinels.replica());
    }
  }

  private void writeAndRead(Vertx vertx, RedisServerProcess expectedPrimary) throws Exception {
    String key = "k" + writes.incrementAndGet();
    cache.put(key, CacheEntry.of("v" + key, 60_000, 60_000, 60_000)).await(10, TimeUnit.SECONDS);
    assertThat(cache.get(key).await(10, TimeUnit.SECONDS).entry().value()).isEqualTo("v" + key);
    assertThat(RedisCli.call(expectedPrimary.port(), "exists", backend.key(key))).isEqualTo("1");
  }

  /** Polls the sentinels until they name the replica as master; returns System.nanoTime() then. */
  private long awaitSwitch() throws Exception {
    int newPrimary = sentinels.replica().port();
    RedisCli.awaitAnswer(Integer.parseInt(sentinels.sentinelEndpoints().get(0).replaceAll(".*:", "")),
        answer -> answer.endsWith(Integer.toString(newPrimary)), 20_000, 20,
        "sentinel", "get-master-addr-by-name", RedisSentinelProcess.MASTER);
    return System.nanoTime();
  }

  /** Writes through the cache every 50 ms until one lands on {@code node}; returns System.nanoTime() then. */
  private long awaitWritesOn(Vertx vertx, RedisServerProcess node) throws Exception {
    RedisBackend direct = RedisBackend.create(vertx, RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_URL, node.url()).with(Settings.REDIS_CLIENT_NAME, "verify")
        .with(Settings.REDIS_COMMAND_TIMEOUT_MS, 1_000)));
    try {
      Awaits.untilAnswered(vertx, () -> {
        String key = "k" + writes.incrementAndGet();
        return cache.put(key, CacheEntry.of("v", 60_000, 60_000, 60_000))
            .compose(v -> direct.send("exists", Request.cmd(Command.EXISTS).arg(backend.key(key))))
            .map(reply -> reply != null && reply.toInteger() == 1);
      }, 15_000, 50).await(20, TimeUnit.SECONDS);
      return System.nanoTime();
    } finally {
      Future<Void> closed = direct.close();
      closed.await(5, TimeUnit.SECONDS);
    }
  }
}
