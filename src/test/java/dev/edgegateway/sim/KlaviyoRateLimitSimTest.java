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
    return new SimulatorOptions().setPort(0).setKlaviyoRateLimit(3).setKlaviyoRateLimitEnforced(true);
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
  void windowCountsPerSecond() {
    SimulatorState s = new SimulatorState(options());
    assertThat(s.klaviyoWindowUse(5_000)).isEqualTo(1);
    assertThat(s.klaviyoWindowUse(5_999)).isEqualTo(2);
    assertThat(s.klaviyoWindowUse(6_000)).isEqualTo(1);
  }
}
