package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class IdentityOptionsTest {
  @Test
  void missingSectionsAreDefaults() {
    IdentityOptions options = IdentityOptions.from(new JsonObject());
    assertThat(options.cookieSecret()).isEqualTo(Settings.COOKIE_SECRET.defaultValue());
    assertThat(options.cookieMaxAgeDays()).isEqualTo(30);
    assertThat(options.hashPepper()).isEqualTo(ShopperHash.DEFAULT_PEPPER);
    assertThat(options.identifyEnabled()).isFalse();
    assertThat(options.linkTtlDays()).isEqualTo(30);
    assertThat(options.klaviyoLookup()).isTrue();
    assertThat(options.klaviyoEnabled()).isFalse();
    assertThat(options.klaviyoUrl()).isEqualTo("https://a.klaviyo.com");
    assertThat(options.klaviyoRevision()).isEqualTo("2026-07-15");
    assertThat(options.klaviyoUpstream().timeoutMs()).isEqualTo(Settings.UPSTREAM_TIMEOUT_MS.defaultValue());
    assertThat(IdentityOptions.from((JsonObject) null).linkTtlDays()).isEqualTo(30);
  }

  @Test
  void readsTheWholeConfig() {
    IdentityOptions options = IdentityOptions.from(new JsonObject()
        .put("identity", new JsonObject()
            .put("cookieSecret", "cs").put("cookieMaxAgeDays", "7").put("hashPepper", "hp")
            .put("customerTokenSecret", "ts").put("customerTokenIssuer", "bc/store").put("customerTokenAudience", "app")
            .put("linkTtlDays", 90).put("klaviyoLookup", "false"))
        .put("klaviyo", new JsonObject().put("url", "http://127.0.0.1:1234/").put("privateKey", "pk_x").put("revision", "2025-01-15"))
        .put("upstream", new JsonObject()
            .put("defaults", new JsonObject().put("timeoutMs", 900).put("maxRetries", 3))
            .put("klaviyo", new JsonObject().put("timeoutMs", 400))));
    assertThat(options.cookieSecret()).isEqualTo("cs");
    assertThat(options.cookieMaxAgeSeconds()).isEqualTo(7 * 86_400L);
    assertThat(options.hashPepper()).isEqualTo("hp");
    assertThat(options.identifyEnabled()).isTrue();
    assertThat(options.customerTokenIssuer()).isEqualTo("bc/store");
    assertThat(options.customerTokenAudience()).isEqualTo("app");
    assertThat(options.linkTtlMillis()).isEqualTo(90 * 86_400_000L);
    assertThat(options.klaviyoLookup()).isFalse();
    assertThat(options.klaviyoEnabled()).isFalse();
    assertThat(options.klaviyoUrl()).isEqualTo("http://127.0.0.1:1234");
    assertThat(options.klaviyoPrivateKey()).isEqualTo("pk_x");
    assertThat(options.klaviyoRevision()).isEqualTo("2025-01-15");
    assertThat(options.klaviyoUpstream().timeoutMs()).isEqualTo(400);
    assertThat(options.klaviyoUpstream().maxRetries()).isEqualTo(3);
    assertThat(options.toString()).doesNotContain("pk_x").doesNotContain("cs,").doesNotContain("ts,").doesNotContain("hp");
  }

  @Test
  void badValuesFailWithTheOptionName() {
    assertThatThrownBy(() -> IdentityOptions.from(new JsonObject().put("identity", new JsonObject().put("cookieMaxAgeDays", 0))))
        .hasMessageContaining("identity.cookieMaxAgeDays");
    assertThatThrownBy(() -> IdentityOptions.from(new JsonObject().put("identity", new JsonObject().put("linkTtlDays", "soon"))))
        .hasMessageContaining("identity.linkTtlDays");
    assertThatThrownBy(() -> IdentityOptions.from(new JsonObject().put("identity", new JsonObject().put("klaviyoLookup", "maybe"))))
        .hasMessageContaining("identity.klaviyoLookup");
    assertThatThrownBy(() -> IdentityOptions.from(new JsonObject().put("klaviyo", new JsonObject().put("url", "ftp://x"))))
        .hasMessageContaining("klaviyo.url");
    assertThatThrownBy(() -> IdentityOptions.from(new JsonObject().put("identity", "yes")))
        .hasMessageContaining("identity");
  }
}
