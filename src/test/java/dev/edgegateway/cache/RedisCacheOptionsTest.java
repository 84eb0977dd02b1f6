package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisRole;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Settings of the Redis tier that the cache cannot work with are refused when read, naming the setting. */
class RedisCacheOptionsTest {

  private static RedisCacheOptions fromEnv(Map<String, String> env) {
    return RedisCacheOptions.from(ConfigReader.of(GatewayConfig.resolve(new JsonObject(), env)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"edge:{v1}:", "{edge}:", "edge:v1}", "edge:{"})
  void aKeyPrefixWithABraceIsRefusedItWouldPutEveryKeyInOneClusterSlot(String prefix) {
    assertThatThrownBy(() -> fromEnv(Map.of("EDGE_REDIS_URL", "redis://redis.test:6379",
        "EDGE_REDIS_KEY_PREFIX", prefix)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EDGE_REDIS_KEY_PREFIX").hasMessageContaining("cache.redis.keyPrefix")
        .hasMessageContaining(prefix).hasMessageContaining("slot");
  }

  @Test
  void aPlainKeyPrefixIsKept() {
    assertThat(fromEnv(Map.of("EDGE_REDIS_KEY_PREFIX", "shop-a:edge:v2:")).keyPrefix()).isEqualTo("shop-a:edge:v2:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"replica", "REPLICA", "sentinel"})
  void aRoleOtherThanMasterIsRefusedTheCacheWrites(String role) {
    assertThatThrownBy(() -> fromEnv(Map.of("EDGE_REDIS_TYPE", "SENTINEL",
        "EDGE_REDIS_ENDPOINTS", "redis://s1.test:26379", "EDGE_REDIS_ROLE", role)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EDGE_REDIS_ROLE").hasMessageContaining("must be MASTER");
  }

  @Test
  void theDefaultRoleIsMaster() {
    assertThat(fromEnv(Map.of()).role()).isEqualTo(RedisRole.MASTER);
    assertThat(fromEnv(Map.of("EDGE_REDIS_ROLE", "master")).role()).isEqualTo(RedisRole.MASTER);
  }

  @Test
  void theStartUpCheckRefusesOnlyARedisTierThatIsConfigured() {
    JsonObject replica = new JsonObject().put("redis", new JsonObject()
        .put("connectionString", "redis://redis.test:6379").put("role", "REPLICA"));
    assertThatThrownBy(() -> CacheFactory.check(replica)).hasMessageContaining("EDGE_REDIS_ROLE");
    JsonObject braced = new JsonObject().put("redis", new JsonObject()
        .put("endpoints", new io.vertx.core.json.JsonArray().add("redis://n1.test:7000")).put("keyPrefix", "{edge}:"));
    assertThatThrownBy(() -> CacheFactory.check(braced)).hasMessageContaining("EDGE_REDIS_KEY_PREFIX");
    // no Redis configured (mode memory or off): nothing of it is used, nothing to refuse
    CacheFactory.check(new JsonObject().put("redis", new JsonObject().put("keyPrefix", "{edge}:")));
    CacheFactory.check(null);
    assertThat(Settings.REDIS_ROLE.defaultValue()).isEqualTo("MASTER");
  }
}
