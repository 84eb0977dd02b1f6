package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KlaviyoSimTest extends SimTestBase {

  static final String KX = "IDXL0vH3jMssE2B-AEqyLjyYhwK_yXcN4NuQxPBqgNE=.UsRnv6";

  HttpRequest<Buffer> authed(HttpRequest<Buffer> req) {
    return req.putHeader("Authorization", "Klaviyo-API-Key pk_test_123")
        .putHeader("revision", "2026-07-15")
        .putHeader("Accept", "application/vnd.api+json");
  }

  Future<HttpResponse<Buffer>> lookup(String filter) {
    return authed(get("/api/profiles")).addQueryParam("filter", filter).addQueryParam("page[size]", "1").send();
  }

  @Test
  void profileByExchangeId(VertxTestContext ctx) {
    lookup("equals(_kx,\"" + KX + "\")").compose(a -> lookup("equals(_kx,\"" + KX + "\")").map(b -> {
      ctx.verify(() -> {
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.getHeader("content-type")).startsWith("application/vnd.api+json");
        assertThat(a.getHeader("RateLimit-Limit")).isEqualTo("75");
        assertThat(a.getHeader("RateLimit-Remaining")).isNotNull();
        assertThat(a.getHeader("RateLimit-Reset")).isNotNull();
        JsonObject body = a.bodyAsJsonObject();
        assertThat(body.getJsonObject("links").getString("self")).isNotBlank();
        JsonArray data = body.getJsonArray("data");
        assertThat(data).hasSize(1);
        JsonObject p = data.getJsonObject(0);
        assertThat(p.getString("type")).isEqualTo("profile");
        assertThat(p.getString("id")).startsWith("01K").hasSize(26);
        assertThat(p.getJsonObject("attributes").getString("email")).contains("@");
        assertThat(p.getJsonObject("attributes").containsKey("external_id")).isTrue();
        assertThat(p.getJsonObject("attributes").containsKey("_kx")).isFalse();
        assertThat(a.bodyAsString()).doesNotContain(KX);
        assertThat(b.bodyAsJsonObject()).isEqualTo(body);
      });
      return b;
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void profileByEmailAndNotFound(VertxTestContext ctx) {
    Future.all(
        lookup("equals(email,\"ada+shop@example.com\")"),
        lookup("equals(email,\"ghost@unknown.test\")"),
        lookup("equals(_kx,\"not-an-exchange-id\")")
    ).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      JsonObject found = ((HttpResponse<Buffer>) all.resultAt(0)).bodyAsJsonObject();
      assertThat(found.getJsonArray("data")).hasSize(1);
      assertThat(found.getJsonArray("data").getJsonObject(0).getJsonObject("attributes").getString("email"))
          .isEqualTo("ada+shop@example.com");
      for (int i = 1; i < 3; i++) {
        HttpResponse<Buffer> r = all.resultAt(i);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getJsonArray("data")).isEmpty();
      }
      ctx.completeNow();
    })));
  }

  @Test
  void unquotedFilterValueIs400(VertxTestContext ctx) {
    lookup("equals(email,ada@example.com)").onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(400);
      JsonObject err = r.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
      assertThat(err.getInteger("status")).isEqualTo(400);
      assertThat(err.getString("code")).isEqualTo("invalid");
      ctx.completeNow();
    })));
  }

  @Test
  void missingOrEmptyKeyIs401AndMissingRevisionIs400(VertxTestContext ctx) {
    String uri = "/api/profiles?filter=equals(email,%22a@b.com%22)";
    Future.all(
        get(uri).putHeader("revision", "2026-07-15").send(),
        get(uri).putHeader("revision", "2026-07-15").putHeader("Authorization", "Klaviyo-API-Key ").send(),
        get(uri).putHeader("revision", "2026-07-15").putHeader("Authorization", "Bearer x").send(),
        get(uri).putHeader("Authorization", "Klaviyo-API-Key pk_x").send()
    ).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (int i = 0; i < 3; i++) {
        HttpResponse<Buffer> r = all.resultAt(i);
        assertThat(r.statusCode()).as("call %d", i).isEqualTo(401);
        assertThat(r.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("code")).isEqualTo("not_authenticated");
      }
      assertThat(((HttpResponse<Buffer>) all.resultAt(3)).statusCode()).isEqualTo(400);
      ctx.completeNow();
    })));
  }

  @Test
  void importLinksExchangeIdToEmailThenLookupAndSegments(VertxTestContext ctx) {
    String kx = "Zz9yXw.AbC123";
    JsonObject imp = new JsonObject().put("data", new JsonObject().put("type", "profile")
        .put("attributes", new JsonObject().put("email", "linked@example.com").put("_kx", kx)));
    authed(post("/api/profile-import")).putHeader("content-type", "application/vnd.api+json").sendJsonObject(imp)
        .compose(created -> {
          ctx.verify(() -> {
            assertThat(created.statusCode()).isEqualTo(201);
            JsonObject data = created.bodyAsJsonObject().getJsonObject("data");
            assertThat(data.getString("type")).isEqualTo("profile");
            assertThat(data.getJsonObject("attributes").getString("email")).isEqualTo("linked@example.com");
            assertThat(data.getJsonObject("attributes").containsKey("_kx")).isFalse();
          });
          return authed(post("/api/profile-import")).sendJsonObject(imp).map(again -> {
            ctx.verify(() -> assertThat(again.statusCode()).isEqualTo(200));
            return created.bodyAsJsonObject().getJsonObject("data").getString("id");
          });
        })
        .compose(id -> lookup("equals(_kx,\"" + kx + "\")").map(r -> {
          ctx.verify(() -> {
            JsonObject p = r.bodyAsJsonObject().getJsonArray("data").getJsonObject(0);
            assertThat(p.getString("id")).isEqualTo(id);
            assertThat(p.getJsonObject("attributes").getString("email")).isEqualTo("linked@example.com");
          });
          return id;
        }))
        .compose(id -> authed(get("/api/profiles/" + id + "/segments")).send())
        .compose(r -> {
          ctx.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(200);
            JsonArray data = r.bodyAsJsonObject().getJsonArray("data");
            assertThat(data.size()).isBetween(0, 3);
            data.forEach(o -> assertThat(((JsonObject) o).getString("type")).isEqualTo("segment"));
          });
          return authed(get("/api/profiles/nope/segments")).send();
        })
        .compose(r -> {
          ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(404));
          return stats();
        })
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s.getLong("profiles")).isEqualTo(5);
          ctx.completeNow();
        })));
  }

  @Test
  void throttleFaultAnswers429WithKlaviyoBodyAndRetryAfter(VertxTestContext ctx) {
    setConfig(new JsonObject().put("upstreams", new JsonObject().put("klaviyo",
            new JsonObject().put("fault", "throttle").put("retryAfterSeconds", 7))))
        .compose(c -> lookup("equals(email,\"a@b.com\")"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(429);
          assertThat(r.getHeader("Retry-After")).isEqualTo("7");
          JsonObject err = r.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
          assertThat(err.getInteger("status")).isEqualTo(429);
          assertThat(err.getString("code")).isEqualTo("throttled");
          assertThat(err.getString("detail")).contains("Expected available in 7 seconds");
          ctx.completeNow();
        })));
  }
}
