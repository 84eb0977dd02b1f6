package dev.edgegateway;

import dev.edgegateway.sim.Upstream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A little of every kind of storefront traffic, one request after another, so that the meters each kind creates
 * exist: a new shopper's cold page, the same page warm (answered in place), an anonymous page, the shopper's
 * segments, an impression into the outbox, an identify attempt with a bad token, and a page whose segments fail
 * (Klevu's visitor service erring) and degrade. Answers the responses in that order.
 */
final class GatewayTraffic {
  static final String RECS_KEY = "k-home";

  private GatewayTraffic() {
  }

  static Future<List<HttpResponse<Buffer>>> everyKind(TestGateway gw) {
    String shopper = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("traffic"));
    String unlucky = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("traffic-degraded"));
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    return page(gw, shopper).map(answers::add)
        .compose(v -> page(gw, shopper)).map(answers::add)
        .compose(v -> page(gw, null)).map(answers::add)
        .compose(v -> gw.client.get("/v1/segments").putHeader("Cookie", shopper).send()).map(answers::add)
        .compose(v -> gw.client.post("/v1/events").putHeader("Cookie", shopper).sendJsonObject(impression()))
        .map(answers::add)
        .compose(v -> gw.client.post("/v1/identify").sendJsonObject(new JsonObject().put("customerToken", "not.a.jwt")))
        .map(answers::add)
        .compose(v -> {
          visitorFault(gw, "error");
          return page(gw, unlucky);
        })
        .map(answers::add)
        .eventually(() -> {
          visitorFault(gw, "none");
          return Future.succeededFuture();
        })
        .map(v -> answers);
  }

  static Future<HttpResponse<Buffer>> page(TestGateway gw, String cookie) {
    var request = gw.client.get("/v1/recommendations/" + RECS_KEY);
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return request.send();
  }

  static JsonObject impression() {
    return new JsonObject().put("events", new JsonArray().add(new JsonObject()
        .put("type", "impression").put("recsKey", RECS_KEY)
        .put("list", new JsonObject().put("title", "Trending now").put("logic", "TRENDING"))
        .put("items", new JsonArray().add(new JsonObject().put("id", "39814").put("index", 1)))));
  }

  private static void visitorFault(TestGateway gw, String fault) {
    gw.sim.state().applyRuntimeConfig(new JsonObject().put("upstreams", new JsonObject()
        .put(Upstream.VISITOR.key(), new JsonObject().put("fault", fault))));
  }
}
