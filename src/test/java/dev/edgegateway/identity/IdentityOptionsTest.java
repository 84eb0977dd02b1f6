package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class IdentityOptionsTest {
  @Test
  void missingSectionsAreDefaults() {
    IdentityOptions options = new IdentityOptions(new JsonObject());
    assertThat(options.getCookieSecret()).isEqualTo(IdentityOptions.DEFAULT_COOKIE_SECRET);
    assertThat(options.getCookieMaxAgeDays()).isEqualTo(30);
    assertThat(options.getHashPepper()).isEqualTo(ShopperHash.DEFAULT_PEPPER);
    assertThat(options.identifyEnabled()).isFalse();
    assertThat(options.getLinkTtlDays()).isEqualTo(30);
    assertThat(options.isKlaviyoLookup()).isTrue();
    assertThat(options.klaviyoEnabled()).isFalse();
    assertThat(options.getKlaviyoUrl()).isEqualTo("https://a.klaviyo.com");
    assertThat(options.getKlaviyoRevision()).isEqualTo("2026-07-15");
    assertThat(options.getKlaviyoUpstream().getTimeoutMs()).isEqualTo(UpstreamOptions.DEFAULT_TIMEOUT_MS);
    assertThat(new IdentityOptions(null).getLinkTtlDays()).isEqualTo(30);
  }

  @Test
  void readsTheWholeConfig() {
    IdentityOptions options = new IdentityOptions(new JsonObject()
        .put("identity", new JsonObject()
            .put("cookieSecret", "cs").put("cookieMaxAgeDays", "7").put("hashPepper", "hp")
            .put("customerTokenSecret", "ts").put("customerTokenIssuer", "bc/store").put("customerTokenAudience", "app")
            .put("linkTtlDays", 90).put("klaviyoLookup", "false"))
        .put("klaviyo", new JsonObject().put("url", "http://127.0.0.1:1234/").put("privateKey", "pk_x").put("revision", "2025-01-15"))
        .put("upstream", new JsonObject()
            .put("defaults", new JsonObject().put("timeoutMs", 900).put("maxRetries", 3))
            .put("klaviyo", new JsonObject().put("timeoutMs", 400))));
    assertThat(options.getCookieSecret()).isEqualTo("cs");
    assertThat(options.getCookieMaxAgeSeconds()).isEqualTo(7 * 86_400L);
    assertThat(options.getHashPepper()).isEqualTo("hp");
    assertThat(options.identifyEnabled()).isTrue();
    assertThat(options.getCustomerTokenIssuer()).isEqualTo("bc/store");
    assertThat(options.getCustomerTokenAudience()).isEqualTo("app");
    assertThat(options.getLinkTtlMillis()).isEqualTo(90 * 86_400_000L);
    assertThat(options.isKlaviyoLookup()).isFalse();
    assertThat(options.klaviyoEnabled()).isFalse();
    assertThat(options.getKlaviyoUrl()).isEqualTo("http://127.0.0.1:1234");
    assertThat(options.getKlaviyoPrivateKey()).isEqualTo("pk_x");
    assertThat(options.getKlaviyoRevision()).isEqualTo("2025-01-15");
    assertThat(options.getKlaviyoUpstream().getTimeoutMs()).isEqualTo(400);
    assertThat(options.getKlaviyoUpstream().getMaxRetries()).isEqualTo(3);
    assertThat(options.toString()).doesNotContain("pk_x").doesNotContain("cs,").doesNotContain("ts,").doesNotContain("hp");
  }

  @Test
  void badValuesFailWithTheOptionName() {
    assertThatThrownBy(() -> new IdentityOptions(new JsonObject().put("identity", new JsonObject().put("cookieMaxAgeDays", 0))))
        .hasMessageContaining("identity.cookieMaxAgeDays");
    assertThatThrownBy(() -> new IdentityOptions(new JsonObject().put("identity", new JsonObject().put("linkTtlDays", "soon"))))
        .hasMessageContaining("identity.linkTtlDays");
    assertThatThrownBy(() -> new IdentityOptions(new JsonObject().put("identity", new JsonObject().put("klaviyoLookup", "maybe"))))
        .hasMessageContaining("identity.klaviyoLookup");
    assertThatThrownBy(() -> new IdentityOptions(new JsonObject().put("klaviyo", new JsonObject().put("url", "ftp://x"))))
        .hasMessageContaining("klaviyo.url");
    assertThatThrownBy(() -> new IdentityOptions(new JsonObject().put("identity", "yes")))
        .hasMessageContaining("identity");
  }
}
