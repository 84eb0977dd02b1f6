package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Outcome;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.ValidatorException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI description the jar ships ({@code openapi.yaml}) against the gateway itself: real requests over
 * loopback, each answer (status, the headers it declares, the JSON body) validated against the operation's
 * response in the description by Vert.x's OpenAPI module.
 */
class OpenApiContractTest {
  /** The response headers the description declares, spelled as it spells them. */
  private static final List<String> DECLARED_HEADERS =
      List.of("X-Edge-Outcome", "X-Cache", "Server-Timing", "Cache-Control", "Set-Cookie", "Retry-After", "ETag",
          "Surrogate-Key", "Cache-Tag", "Vary");
  private static final String API_KEY = "klevu-demo-api-key";

  private static Vertx vertx;
  private static TestGateway gw;
  private static ResponseValidator validator;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    gw = Main.await(TestGateway.start(vertx, Map.of()));
    validator = ResponseValidator.create(vertx, Main.await(OpenAPIContract.from(vertx, "openapi.yaml")));
  }

  @AfterAll
  static void stop() throws Exception {
    Main.await(gw.stop().eventually(vertx::close));
  }

  @Test
  void pagesForANewAWarmAndAnAnonymousShopper() throws Exception {
    String shopper = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("openapi-page"));
    HttpResponse<Buffer> cold = Main.await(GatewayTraffic.page(gw, shopper));
    HttpResponse<Buffer> warm = Main.await(GatewayTraffic.page(gw, shopper));
    HttpResponse<Buffer> anonymous = Main.await(GatewayTraffic.page(gw, null));
    assertThat(List.of(cold.statusCode(), warm.statusCode(), anonymous.statusCode())).containsOnly(200);
    assertThat(warm.getHeader("Server-Timing")).as("answered in place").contains("memory;dur=");
    conforms("getRecommendations", cold);
    conforms("getRecommendations", warm);
    conforms("getRecommendations", anonymous);
  }

  @Test
  void theOpsPurge() throws Exception {
    io.vertx.ext.web.client.WebClient ops = io.vertx.ext.web.client.WebClient.create(vertx);
    try {
      HttpResponse<Buffer> purged = Main.await(ops.post(gw.gateway.opsPort(), "127.0.0.1", "/cache/purge/k-home").send());
      assertThat(purged.statusCode()).isEqualTo(200);
      conforms("purgeRecommendation", purged);
      HttpResponse<Buffer> bad = Main.await(ops.post(gw.gateway.opsPort(), "127.0.0.1", "/cache/purge/k-home")
          .addQueryParam("apiKey", "not a key").send());
      assertThat(bad.statusCode()).isEqualTo(400);
      conforms("purgeRecommendation", bad);
    } finally {
      ops.close();
    }
  }

  @Test
  void aBadRecsKeyIsA400WithTheErrorBody() throws Exception {
    HttpResponse<Buffer> bad = Main.await(gw.client.get("/v1/recommendations/not%20a%20key").send());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("error")).isEqualTo("bad_request");
    conforms("getRecommendations", bad);
  }

  @Test
  void segments() throws Exception {
    String shopper = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("openapi-segments"));
    HttpResponse<Buffer> segments = Main.await(gw.client.get("/v1/segments").putHeader("Cookie", shopper).send());
    assertThat(segments.statusCode()).isEqualTo(200);
    assertThat(segments.bodyAsJsonObject().getJsonArray("segments")).isNotEmpty();
    conforms("getSegments", segments);
  }

  @Test
  void anEventAcceptedAndABodyRefused() throws Exception {
    HttpResponse<Buffer> accepted = Main.await(gw.client.post("/v1/events").sendJsonObject(GatewayTraffic.impression()));
    assertThat(accepted.statusCode()).isEqualTo(202);
    conforms("postEvents", accepted);
    HttpResponse<Buffer> refused = Main.await(gw.client.post("/v1/events")
        .sendJsonObject(new JsonObject().put("events", new JsonArray())));
    assertThat(refused.statusCode()).isEqualTo(400);
    conforms("postEvents", refused);
  }

  @Test
  void identifyWithAMalformedAndWithAWronglySignedToken() throws Exception {
    HttpResponse<Buffer> malformed = Main.await(gw.client.post("/v1/identify")
        .sendJsonObject(new JsonObject().put("customerToken", "not-a-token")));
    assertThat(malformed.statusCode()).isEqualTo(400);
    conforms("postIdentify", malformed);
    String forged = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + base64Url("{\"sub\":\"42\"}") + ".c2lnbmF0dXJl";
    HttpResponse<Buffer> unauthorized = Main.await(gw.client.post("/v1/identify")
        .sendJsonObject(new JsonObject().put("customerToken", forged)));
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    conforms("postIdentify", unauthorized);
  }

  @Test
  void aPathThatIsNoRouteIsA404WithTheErrorBody() throws Exception {
    HttpResponse<Buffer> missing = Main.await(gw.client.get("/v1/no-such-route").send());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
    // no operation owns an unknown path: its answer is the one error shape, every operation's default response
    conforms("getSegments", missing);
  }

  @Test
  void theKlevuCompatibleRoutes() throws Exception {
    HttpResponse<Buffer> session = Main.await(gw.client.post("/klevu/visitor/public/1.0/" + API_KEY + "/session")
        .sendJsonObject(new JsonObject().put("apikey", API_KEY)));
    assertThat(session.statusCode()).isEqualTo(200);
    conforms("klevuSession", session);

    HttpResponse<Buffer> settings = Main.await(gw.client.get("/klevu/recommendations/" + API_KEY
        + "/settings/kmc.CATEGORY.NEWEST_ARRIVALS.1?&cp=Women;Shoes%20and%20bags&pid=&gpid=&sids=seg-b,seg-a").send());
    assertThat(settings.statusCode()).isEqualTo(200);
    conforms("klevuSettings", settings);

    JsonObject search = settings.bodyAsJsonObject().getJsonObject("search");
    String path = search.getString("basePath").substring(search.getString("basePath").indexOf("/klevu/search/"));
    JsonObject payload = new JsonObject(search.getString("payload"))
        .put("context", new JsonObject().put("apiKeys", new JsonArray().add(API_KEY)));
    HttpResponse<Buffer> found = Main.await(gw.client.post(path).sendJsonObject(payload));
    assertThat(found.statusCode()).isEqualTo(200);
    conforms("klevuSearch", found);
    HttpResponse<Buffer> forbidden = Main.await(gw.client.post("/klevu/search/evil.test/cs/v2/search")
        .sendJsonObject(payload));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    conforms("klevuSearch", forbidden);
    HttpResponse<Buffer> foreignKey = Main.await(gw.client.get("/klevu/recommendations/another-store/settings/k-home")
        .send());
    assertThat(foreignKey.statusCode()).isEqualTo(403);
    conforms("klevuSettings", foreignKey);
    HttpResponse<Buffer> foreignSession = Main.await(gw.client.post("/klevu/visitor/public/1.0/another-store/session")
        .sendJsonObject(new JsonObject()));
    assertThat(foreignSession.statusCode()).isEqualTo(403);
    conforms("klevuSession", foreignSession);

    JsonArray events = new JsonArray().add(new JsonObject().put("event", "view_recs_list").put("event_version", "1.0.0")
        .put("event_apikey", "klevu-demo-api-key").put("user_profile", new JsonObject())
        .put("event_data", new JsonObject().put("list_id", "k-home").put("list_logic", "TRENDING")
            .put("list_name", "Trending now").put("items", new JsonArray().add(new JsonObject().put("index", 1)
                .put("item_id", "39814").put("item_group_id", "39814").put("item_name", "unknown")
                .put("item_variant_id", "39814").put("price", "0")))));
    HttpResponse<Buffer> collected = Main.await(gw.client.post("/klevu/analytics/collect").sendJson(events));
    assertThat(collected.statusCode()).isEqualTo(200);
    conforms("klevuCollect", collected);
    HttpResponse<Buffer> beacon = Main.await(gw.client.post("/klevu/analytics/collect")
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("0=[object Object]")));
    assertThat(beacon.statusCode()).isEqualTo(415);
    conforms("klevuCollect", beacon);
  }

  @Test
  void crossSitePagesNonJsonBodiesAndSpentBudgets() throws Exception {
    HttpResponse<Buffer> foreignPage = Main.await(gw.client.get("/v1/recommendations/k-home")
        .putHeader("Origin", "https://elsewhere.test").send());
    assertThat(foreignPage.statusCode()).isEqualTo(403);
    conforms("getRecommendations", foreignPage);
    HttpResponse<Buffer> crossSite = Main.await(gw.client.post("/v1/identify").putHeader("Sec-Fetch-Site", "cross-site")
        .sendJsonObject(new JsonObject().put("customerToken", "x.y.z")));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    conforms("postIdentify", crossSite);
    HttpResponse<Buffer> textPlain = Main.await(gw.client.post("/v1/events").putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer("{}")));
    assertThat(textPlain.statusCode()).isEqualTo(415);
    conforms("postEvents", textPlain);
    TestGateway limited = Main.await(TestGateway.start(vertx, Map.of("EDGE_RATE_LIMIT_PER_S", "1", "EDGE_RATE_LIMIT_BURST", "1")));
    try {
      Main.await(limited.client.get("/v1/segments").send());
      HttpResponse<Buffer> spent = Main.await(limited.client.get("/v1/segments").send());
      assertThat(spent.statusCode()).isEqualTo(429);
      conforms("getSegments", spent);
    } finally {
      Main.await(limited.stop());
    }
  }

  /** Every {@code reason} an error body can carry is one the description lists. */
  @Test
  void everyReasonOfAnErrorIsDescribed() throws Exception {
    JsonArray described = Main.await(OpenAPIContract.from(vertx, "openapi.yaml")).getRawContract()
        .getJsonObject("components").getJsonObject("schemas").getJsonObject("ErrorReason").getJsonArray("enum");
    for (FailureClass failureClass : FailureClass.values()) {
      assertThat(described.getList()).contains(failureClass.tag());
    }
    for (Outcome outcome : Outcome.values()) {
      if (FailureClass.of(outcome) == null && outcome.httpStatus() >= 400) {
        assertThat(described.getList()).as("a refused request's reason is its outcome").contains(outcome.tag());
      }
    }
  }

  /** The answer is JSON and matches {@code operationId}'s response for its status in the description. */
  private static void conforms(String operationId, HttpResponse<Buffer> response) throws Exception {
    assertThat(response.getHeader("Content-Type")).as(operationId).startsWith("application/json");
    Map<String, String> headers = new HashMap<>();
    for (String name : DECLARED_HEADERS) {
      if (response.getHeader(name) != null) {
        headers.put(name, response.getHeader(name));
      }
    }
    try {
      Main.await(validator.validate(
          ValidatableResponse.create(response.statusCode(), headers, response.body(), "application/json"), operationId));
    } catch (ValidatorException e) {
      String detail = e instanceof SchemaValidationException invalid ? " " + invalid.getOutputUnit() : "";
      fail(operationId + " answered " + response.statusCode() + " " + headers + " " + response.bodyAsString()
          + ", which the description does not allow: " + e.getMessage() + detail);
    }
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
