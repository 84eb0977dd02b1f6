package dev.edgegateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.cache.LeaseOptions;
import dev.edgegateway.events.EventsOptions;
import dev.edgegateway.http.HttpOptions;
import dev.edgegateway.identity.IdentityOptions;
import dev.edgegateway.recs.RecsOptions;
import dev.edgegateway.segments.SegmentsOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class GatewayConfigTest {

  @Test
  void environmentBeatsFileBeatsDefaults(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("config.yaml");
    Files.writeString(yaml, "http:\n  port: 7000\n  requestTimeoutMs: 900\nklevu:\n  apiKey: from-file\n");
    GatewayConfig.load(vertx, yaml, Map.of("EDGE_HTTP_PORT", "7100", "EDGE_SEARCH_ALLOWED_HOSTS", "a.test, *.b.test"))
        .onComplete(ctx.succeeding(config -> ctx.verify(() -> {
          assertThat(GatewayConfig.get(config, "http.port")).isEqualTo(7100);
          assertThat(GatewayConfig.get(config, "http.requestTimeoutMs")).isEqualTo(900);
          assertThat(GatewayConfig.get(config, "klevu.apiKey")).isEqualTo("from-file");
          assertThat(GatewayConfig.get(config, "ops.port")).isEqualTo(9090);
          assertThat(GatewayConfig.get(config, "klevu.searchAllowedHosts")).isEqualTo(new JsonArray().add("a.test").add("*.b.test"));
          ctx.completeNow();
        })));
  }

  @Test
  void aMissingFileMeansDefaultsAndEnvironment(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    GatewayConfig.load(vertx, dir.resolve("absent.yaml"), Map.of("EDGE_REDIS_URL", "redis://127.0.0.1:6379"))
        .onComplete(ctx.succeeding(config -> ctx.verify(() -> {
          assertThat(GatewayConfig.get(config, "cache.redis.connectionString")).isEqualTo("redis://127.0.0.1:6379");
          assertThat(GatewayConfig.get(config, "http.port")).isEqualTo(8080);
          ctx.completeNow();
        })));
  }

  @Test
  void aBadNumberNamesTheVariable() {
    assertThatThrownBy(() -> GatewayConfig.resolve(new JsonObject(), Map.of("EDGE_HTTP_PORT", "eighty")))
        .hasMessageContaining("EDGE_HTTP_PORT");
  }

  @Test
  void aBlankNumberOrSwitchInTheEnvironmentMeansNotSet() {
    JsonObject fromFile = new JsonObject().put("http", new JsonObject().put("port", 7000));
    JsonObject config = GatewayConfig.resolve(fromFile,
        Map.of("EDGE_HTTP_PORT", "", "EDGE_HTTP_FAST_PATH", "  ", "EDGE_CACHE_LEASE_ENABLED", ""));
    assertThat(config.getJsonObject("http").getInteger("port")).isEqualTo(7000);
    assertThat(config.getJsonObject("http").getBoolean("fastPath")).isTrue();
    assertThat(config.getJsonObject("cache").getJsonObject("lease").getBoolean("enabled")).isTrue();
  }

  @Test
  void aBlankTextOrListInTheEnvironmentIsStillAValue() {
    JsonObject fromFile = new JsonObject().put("cache", new JsonObject()
        .put("redis", new JsonObject().put("connectionString", "redis://127.0.0.1:6379")));
    JsonObject config = GatewayConfig.resolve(fromFile, Map.of("EDGE_REDIS_URL", "", "EDGE_SEARCH_ALLOWED_HOSTS", ""));
    assertThat(config.getJsonObject("cache").getJsonObject("redis").getString("connectionString")).isEmpty();
    assertThat(GatewayConfig.cacheMode(config)).isEqualTo(GatewayConfig.CACHE_MEMORY);
    assertThat(config.getJsonObject("klevu").getJsonArray("searchAllowedHosts")).isEmpty();
  }

  @Test
  void aSwitchTakesTheUsualSpellingsAndRefusesAnythingElse() {
    Map<String, Boolean> spellings = Map.of("true", true, "YES", true, "on", true, "1", true,
        "False", false, "no", false, "OFF", false, "0", false);
    spellings.forEach((spelling, expected) -> assertThat(GatewayConfig.resolve(new JsonObject(),
        Map.of("EDGE_HTTP_FAST_PATH", spelling)).getJsonObject("http").getBoolean("fastPath"))
        .as(spelling).isEqualTo(expected));
    // it used to read as false, silently switching the fast path off
    assertThatThrownBy(() -> GatewayConfig.resolve(new JsonObject(), Map.of("EDGE_HTTP_FAST_PATH", "enabled")))
        .hasMessageContaining("EDGE_HTTP_FAST_PATH").hasMessageContaining("true or false");
  }

  @Test
  void everySettingHasAUniqueEnvironmentNameAndPathAndADocLine() {
    Set<String> envs = new HashSet<>();
    Set<String> paths = new HashSet<>();
    for (Setting s : Settings.ALL) {
      assertThat(envs.add(s.env())).as(s.env()).isTrue();
      assertThat(paths.add(s.path())).as(s.path()).isTrue();
      assertThat(s.env()).startsWith("EDGE_");
      assertThat(s.doc()).isNotBlank();
    }
    assertThat(Settings.markdownTable()).contains("`EDGE_HTTP_PORT`", "`EDGE_REDIS_URL`");
  }

  /** Options read from a partial config take the table's defaults: there are no others to disagree with it. */
  @Test
  void optionClassesTakeTheirDefaultsFromTheSettingsTable() {
    JsonObject defaults = GatewayConfig.defaults();
    JsonObject empty = new JsonObject();
    EventsOptions events = EventsOptions.from(defaults);
    assertThat(EventsOptions.from(empty)).isEqualTo(events);
    assertThat(events.outboxCapacity()).isEqualTo(Settings.OUTBOX_CAPACITY.defaultValue());
    assertThat(events.batchSize()).isEqualTo(Settings.EVENTS_BATCH_SIZE.defaultValue());
    assertThat(events.statsUrl()).isEqualTo(Settings.KLEVU_STATS_URL.defaultValue());
    IdentityOptions identity = IdentityOptions.from(defaults);
    assertThat(IdentityOptions.from(empty)).isEqualTo(identity);
    assertThat(identity.hashPepper()).isEqualTo(Settings.HASH_PEPPER.defaultValue());
    assertThat(identity.cookieMaxAgeDays()).isEqualTo(Settings.COOKIE_MAX_AGE_DAYS.defaultValue());
    assertThat(identity.klaviyoUrl()).isEqualTo(Settings.KLAVIYO_URL.defaultValue());
    assertThat(SegmentsOptions.from(empty)).isEqualTo(SegmentsOptions.from(defaults));
    assertThat(SegmentsOptions.from(defaults).visitorUrl()).isEqualTo(Settings.KLEVU_VISITOR_URL.defaultValue());
    assertThat(RecsOptions.from(defaults).configUrl()).isEqualTo(Settings.KLEVU_CONFIG_URL.defaultValue());
    assertThat(RecsOptions.from(empty).configTtlSeconds())
        .isEqualTo(((Number) Settings.CONFIG_TTL_S.defaultValue()).longValue());
    HttpOptions http = HttpOptions.from(defaults);
    assertThat(HttpOptions.from(empty)).isEqualTo(http);
    assertThat(http.port()).isEqualTo(Settings.HTTP_PORT.defaultValue());
    assertThat(http.requestTimeoutMs()).isEqualTo(Settings.REQUEST_TIMEOUT_MS.defaultValue());
    assertThat(http.maxBodyBytes()).isEqualTo(Settings.HTTP_MAX_BODY_BYTES.defaultValue());
    LeaseOptions lease = LeaseOptions.from(ConfigReader.of(defaults));
    assertThat(LeaseOptions.from(ConfigReader.of(empty))).isEqualTo(lease);
    assertThat(lease.enabled()).isTrue();
  }

  @Test
  void leaseKnobsComeFromTheEnvironment() {
    JsonObject config = GatewayConfig.resolve(new JsonObject(), Map.of("EDGE_CACHE_LEASE_ENABLED", "false",
        "EDGE_CACHE_LEASE_TTL_MS", "900", "EDGE_CACHE_LEASE_WAIT_MS", "120", "EDGE_CACHE_LEASE_POLL_MS", "20"));
    LeaseOptions lease = LeaseOptions.from(ConfigReader.of(config));
    assertThat(lease.enabled()).isFalse();
    assertThat(lease.ttlMs()).isEqualTo(900);
    assertThat(lease.waitMs()).isEqualTo(120);
    assertThat(lease.pollMs()).isEqualTo(20);
  }
}
