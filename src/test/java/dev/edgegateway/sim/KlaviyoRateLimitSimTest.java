package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KlaviyoRateLimitSimTest extends SimTestBase {

  @Override
  SimulatorOptions options() {
    return new SimulatorOptions().setPort(0).setKlaviyoRateLimitEnforced(true)
        .setKlaviyoRateLimits(new JsonObject().put("profiles", new JsonObject().put("burst", 3)));
  }

  @Test
  void enforcedRateLimitThrottlesBeyondTheLimit(VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      calls.add(get("/api/profiles").putHeader("Authorization", "Klaviyo-API-Key pk").putHeader("revision", "2026-07-15")
          .addQueryParam("filter", "equals(email,\"a" + i + "@b.com\")").send());
    }
    Future.join(calls).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      // 12 calls in (almost surely) at most two one-second windows of 3 each
      List<HttpResponse<Buffer>> throttled = calls.stream().map(Future::result).filter(r -> r.statusCode() == 429).toList();
      assertThat(throttled).isNotEmpty();
      assertThat(throttled.get(0).getHeader("Retry-After")).isEqualTo("1");
      assertThat(throttled.get(0).getHeader("RateLimit-Remaining")).isEqualTo("0");
      JsonObject err = throttled.get(0).bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
      assertThat(err.getString("code")).isEqualTo("throttled");
      ctx.completeNow();
    })));
  }

  @Test
  void burstWindowCountsPerSecondAndEndpoint() {
    SimulatorState s = new SimulatorState(options());
    KlaviyoLimits.Endpoint profiles = KlaviyoLimits.Endpoint.PROFILES;
    assertThat(s.klaviyoUse(profiles, 5_000).remaining()).isEqualTo(2);
    assertThat(s.klaviyoUse(profiles, 5_999).remaining()).isEqualTo(1);
    assertThat(s.klaviyoUse(profiles, 5_999).over()).isFalse();
    assertThat(s.klaviyoUse(profiles, 5_999).over()).isTrue();
    assertThat(s.klaviyoUse(profiles, 6_000).over()).isFalse();
    // another endpoint has windows of its own: Klaviyo's 3/s for a profile's segments
    KlaviyoLimits.Use segments = s.klaviyoUse(KlaviyoLimits.Endpoint.SEGMENTS, 5_500);
    assertThat(segments.limit()).isEqualTo(3);
    assertThat(segments.remaining()).isEqualTo(2);
  }

  @Test
  void steadyWindowThrottlesWithinTheMinuteWhenBurstsAreWithinLimits() {
    SimulatorState s = new SimulatorState(options());
    KlaviyoLimits.Endpoint segments = KlaviyoLimits.Endpoint.SEGMENTS;
    // 3 a second for 20 seconds: every burst is within 3/s, the 61st call of the minute is over 60/min
    for (int second = 0; second < 20; second++) {
      for (int call = 0; call < 3; call++) {
        assertThat(s.klaviyoUse(segments, 60_000 + second * 1_000L + call).over()).isFalse();
      }
    }
    KlaviyoLimits.Use over = s.klaviyoUse(segments, 60_000 + 20_000);
    assertThat(over.over()).isTrue();
    assertThat(over.limit()).isEqualTo(60);
    assertThat(over.resetSeconds()).isEqualTo(40);
    assertThat(s.klaviyoUse(segments, 120_000).over()).as("a new minute").isFalse();
  }

  @Test
  void limitsAreOptionsWithKlaviyosDefaults() {
    JsonObject limits = new SimulatorOptions().getKlaviyoRateLimits();
    assertThat(limits.getJsonObject("profiles")).isEqualTo(new JsonObject().put("burst", 75).put("steady", 750));
    assertThat(limits.getJsonObject("import")).isEqualTo(new JsonObject().put("burst", 75).put("steady", 700));
    assertThat(limits.getJsonObject("segments")).isEqualTo(new JsonObject().put("burst", 3).put("steady", 60));
    JsonObject json = options().toJson();
    assertThat(SimulatorOptions.fromJson(json).getKlaviyoRateLimits().getJsonObject("profiles").getInteger("burst"))
        .isEqualTo(3);
  }
}
