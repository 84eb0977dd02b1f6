package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigSimTest extends SimTestBase {

  static final String PATH = "/recommendations/klevu-123/settings/";

  Future<JsonObject> config(String recsKeyAndQuery) {
    return get(PATH + recsKeyAndQuery).send().map(r -> {
      assertThat(r.statusCode()).isEqualTo(200);
      return r.bodyAsJsonObject();
    });
  }

  /** Sends exact bytes (no client-side URI encoding) and returns the whole HTTP response. */
  Future<String> raw(String requestTarget) {
    Promise<String> p = Promise.promise();
    // referenced until the answer is in: Vert.x closes an unreferenced client's sockets at the next GC
    NetClient client = vertx.createNetClient();
    client.connect(port(), HOST).onComplete(ar -> {
      if (ar.failed()) {
        client.close();
        p.fail(ar.cause());
        return;
      }
      NetSocket s = ar.result();
      Buffer acc = Buffer.buffer();
      s.handler(acc::appendBuffer);
      s.closeHandler(v -> {
        p.tryComplete(acc.toString());
        client.close();
      });
      s.write("GET " + requestTarget + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
    });
    return p.future();
  }

  @Test
  void homeConfigHasAllMetadataFieldsAndOwnSearchBasePath(VertxTestContext ctx) {
    config("k-home-1").onComplete(ctx.succeeding(b -> ctx.verify(() -> {
      assertThat(b.fieldNames()).containsExactlyInAnyOrder("metadata", "search", "templates", "styles", "scripts");
      JsonObject m = b.getJsonObject("metadata");
      assertThat(m.fieldNames()).containsExactlyInAnyOrder("title", "recsKey", "pageType", "logic", "maxProducts",
          "productThreshold", "enabled", "spotKey", "spotName", "segmentKey", "segmentName", "action");
      assertThat(m.getString("recsKey")).isEqualTo("k-home-1");
      assertThat(m.getString("pageType")).isEqualTo("HOME");
      assertThat(m.getBoolean("enabled")).isTrue();
      assertThat(m.getValue("segmentKey")).isNull();
      assertThat(m.getValue("segmentName")).isNull();
      assertThat(m.getValue("action")).isNull();
      assertThat(m.getInteger("productThreshold")).isEqualTo(1);
      JsonObject search = b.getJsonObject("search");
      assertThat(search.getString("basePath")).isEqualTo("127.0.0.1:" + port() + "/cs/v2/search");
      assertThat(search.getValue("payload")).isInstanceOf(String.class);
      JsonObject payload = new JsonObject(search.getString("payload"));
      JsonObject q = payload.getJsonArray("recordQueries").getJsonObject(0);
      assertThat(q.getString("id")).isEqualTo("klevuRECSItemList");
      assertThat(q.getString("typeOfRequest")).startsWith("RECS_");
      assertThat(q.getJsonObject("settings").getInteger("limit")).isEqualTo(m.getInteger("maxProducts"));
      assertThat(q.getJsonObject("settings").containsKey("segmentKey")).isFalse();
      assertThat(b.getJsonObject("templates").getString("base")).isNotBlank();
      assertThat(b.getJsonObject("styles").getString("base")).isNotBlank();
      assertThat(b.getJsonObject("scripts").getJsonObject("recsObject")).isEqualTo(new JsonObject());
      ctx.completeNow();
    })));
  }

  @Test
  void sidsAreReflectedSortedAndDeterministic(VertxTestContext ctx) {
    config("k-seg?sids=seg-vip,seg-bargain-hunter").compose(a -> config("k-seg?sids=seg-bargain-hunter,seg-vip").map(b -> {
      ctx.verify(() -> {
        assertThat(a).isEqualTo(b);
        JsonObject m = a.getJsonObject("metadata");
        assertThat(m.getString("segmentKey")).isEqualTo("seg-bargain-hunter");
        assertThat(m.getString("segmentName")).isEqualTo("Bargain hunters");
        JsonObject settings = new JsonObject(a.getJsonObject("search").getString("payload"))
            .getJsonArray("recordQueries").getJsonObject(0).getJsonObject("settings");
        assertThat(settings.getString("segmentKey")).isEqualTo("seg-bargain-hunter");
        assertThat(settings.getJsonArray("sids")).isEqualTo(new JsonArray().add("seg-bargain-hunter").add("seg-vip"));
      });
      return b;
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void pageTypeFromQuery(VertxTestContext ctx) {
    Future.all(config("k-p?&pid=39814&gpid=67466"), config("k-p?&cp=Men;Shoes"), config("k-p"))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject product = all.resultAt(0);
          assertThat(product.getJsonObject("metadata").getString("pageType")).isEqualTo("PRODUCT");
          // the page context goes into the search from the client (kmcRecommendation), not from the config
          JsonObject settings = new JsonObject(product.getJsonObject("search").getString("payload"))
              .getJsonArray("recordQueries").getJsonObject(0).getJsonObject("settings");
          assertThat(settings.fieldNames()).containsExactlyInAnyOrder("typeOfRecords", "limit");
          assertThat(((JsonObject) all.resultAt(1)).getJsonObject("metadata").getString("pageType")).isEqualTo("CATEGORY");
          assertThat(((JsonObject) all.resultAt(2)).getJsonObject("metadata").getString("pageType")).isEqualTo("HOME");
          ctx.completeNow();
        })));
  }

  @Test
  void unencodedSemicolonsCommasAndLeadingAmpersandOnTheWire(VertxTestContext ctx) {
    raw(PATH + "k-raw?&cp=Men;Shoes;Sale%20Items&sids=seg-vip,seg-outdoor").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertThat(resp).startsWith("HTTP/1.1 200");
      JsonObject b = new JsonObject(resp.substring(resp.indexOf("\r\n\r\n") + 4));
      assertThat(b.getJsonObject("metadata").getString("pageType")).isEqualTo("CATEGORY");
      assertThat(b.getJsonObject("metadata").getString("segmentKey")).isEqualTo("seg-outdoor");
      ctx.completeNow();
    })));
  }

  @Test
  void plusAndBadPercentEscapesAreTolerated(VertxTestContext ctx) {
    raw(PATH + "k-raw2?&cp=Women+Shoes%ZZ").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertThat(resp).startsWith("HTTP/1.1 200");
      JsonObject b = new JsonObject(resp.substring(resp.indexOf("\r\n\r\n") + 4));
      assertThat(b.getJsonObject("metadata").getString("pageType")).isEqualTo("CATEGORY");
      ctx.completeNow();
    })));
  }

  /**
   * A literal space cannot appear in an HTTP/1.1 request line: the HTTP codec (as any real CDN) refuses it
   * before routing. Browsers percent-encode spaces the SDK leaves unencoded, so %20 is what arrives
   * (covered above); clients of the simulator must encode spaces too.
   */
  @Test
  void literalSpaceOnTheRequestLineIsRefusedByTheHttpCodec(VertxTestContext ctx) {
    raw(PATH + "k-space?&cp=Men Shoes;Sale&sids=seg-vip").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertThat(resp).matches("(?s)HTTP/1\\.[01] 400 .*");
      ctx.completeNow();
    })));
  }

  @Test
  void specialRecsKeys(VertxTestContext ctx) {
    Future.all(config("hidden-k1"), config("static-k1"), config("threshold-k1"), config("plain-k1"))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(((JsonObject) all.resultAt(0)).getJsonObject("metadata").getString("action")).isEqualTo("HIDE_RECOMMENDATION");
          assertThat(((JsonObject) all.resultAt(1)).getJsonObject("metadata").getString("action")).isEqualTo("STATIC_CONTENT");
          JsonObject t = ((JsonObject) all.resultAt(2)).getJsonObject("metadata");
          assertThat(t.getValue("action")).isNull();
          assertThat(t.getInteger("productThreshold")).isGreaterThan(t.getInteger("maxProducts"));
          assertThat(((JsonObject) all.resultAt(3)).getJsonObject("metadata").getValue("action")).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  void repeatedCallsServeTheSameCachedAnswer(VertxTestContext ctx) {
    config("k-cache?sids=seg-vip").compose(a -> config("k-cache?sids=seg-vip").compose(b -> config("k-cache?sids=seg-vip").map(c -> {
      ctx.verify(() -> {
        assertThat(b).isEqualTo(a);
        assertThat(c).isEqualTo(a);
      });
      return c;
    }))).compose(x -> stats()).onComplete(ctx.succeeding(s -> ctx.verify(() -> {
      assertThat(s.getLong("config")).isEqualTo(3);
      ctx.completeNow();
    })));
  }
}
