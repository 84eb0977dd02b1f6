package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every page type and logic of issue 17 through the gateway's own {@code GET /v1/recommendations} against the strict
 * simulator, over sockets: each config request and search the gateway sends is one the simulated Klevu takes (it
 * answers 400 to anything @klevu/core would not send), so every banner comes back with products, undegraded; the
 * two actions that mean "no search" make none; a page without the context its logic needs makes no search either.
 */
@ExtendWith(VertxExtension.class)
class KmcPagesTest {
  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    // about what is sent, not latency: a cold JVM on a busy machine must not degrade the first page
    TestGateway.start(vertx, Map.of("EDGE_REQUEST_TIMEOUT_MS", "10000", "EDGE_SEGMENTS_BUDGET_MS", "8000",
        "EDGE_UPSTREAM_TIMEOUT_MS", "8000")).onComplete(ctx.succeeding(started -> {
      env = started;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private record Page(String recsKey, String query) {
  }

  private static final List<Page> SEARCHED = List.of(
      new Page("kmc.HOME.TRENDING.t", ""),
      new Page("kmc.HOME.RECENTLY_VIEWED.t", ""),
      new Page("kmc.HOME.TRENDING_PERSONALIZED.t", ""),
      new Page("kmc.CATEGORY.TRENDING.t", "?cp=Women%27s%20Shoes%3BRunning"),
      new Page("kmc.CATEGORY.TRENDING_PERSONALIZED.t", "?cp=Women"),
      new Page("kmc.CATEGORY.NEWEST_ARRIVALS.t", "?cp=Women"),
      new Page("kmc.CATEGORY.CUSTOM_LOGIC.t", "?cp=Women"),
      new Page("kmc.PRODUCT.OTHER_ALSO_VIEWED.t", "?pid=10001&gpid=60000"),
      new Page("kmc.PRODUCT.SIMILAR.t", "?pid=10001"),
      new Page("kmc.PRODUCT.BOUGHT_TOGETHER_PDP.t", "?pid=10001&gpid=60000"),
      new Page("kmc.PRODUCT.CUSTOM_LOGIC.t", "?pid=10001&gpid=60000"),
      new Page("kmc.PRODUCT.VISUALLY_SIMILAR.t", "?pid=10001&gpid=60000"),
      new Page("kmc.CHECKOUT.BOUGHT_TOGETHER.t", "?cart=10001,10002"),
      new Page("kmc.CHECKOUT.CUSTOM_LOGIC.t", "?cart=10003"));

  private Future<HttpResponse<Buffer>> page(String cookie, Page page) {
    return env.client.get("/v1/recommendations/" + page.recsKey() + page.query()).putHeader("Cookie", cookie).send();
  }

  @Test
  void everyPageTypeAndLogicIsSearchedAsTheSdkSearchesIt(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("kmc-pages"));
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    Future<?> chain = Future.succeededFuture();
    for (Page p : SEARCHED) {
      chain = chain.compose(v -> page(cookie, p).map(answers::add));
    }
    chain.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      for (int i = 0; i < SEARCHED.size(); i++) {
        JsonObject banner = answers.get(i).bodyAsJsonObject();
        String what = SEARCHED.get(i).recsKey();
        assertThat(answers.get(i).statusCode()).as(what).isEqualTo(200);
        assertThat(banner.getJsonArray("degraded")).as(what + " " + banner.encode()).isEmpty();
        if (what.contains("RECENTLY_VIEWED")) {
          // a shopper without clicks has viewed nothing: Klevu finds nothing, below the banner's threshold
          assertThat(banner.getValue("skipped")).as(what).isEqualTo("below_threshold");
          continue;
        }
        assertThat(banner.getValue("skipped")).as(what).isNull();
        assertThat(banner.getJsonArray("products")).as(what).isNotEmpty();
      }
      JsonArray searches = env.sim.state().requestsJson(Upstream.SEARCH, 0, 100);
      assertThat(searches).hasSize(SEARCHED.size());
      for (Object o : searches) {
        JsonObject seen = (JsonObject) o;
        assertThat(seen.getInteger("status")).as(seen.encode()).isEqualTo(200);
        assertThat(seen.getJsonObject("body").fieldNames()).containsExactlyInAnyOrder("context", "recordQueries");
      }
      // the category page's config request in the SDK's grammar, its search with the SDK's additions
      JsonObject category = env.sim.state().requestsJson(Upstream.CONFIG, 0, 100).stream()
          .map(JsonObject.class::cast).filter(r -> r.getString("path").contains("kmc.CATEGORY.TRENDING.t"))
          .findFirst().orElseThrow();
      assertThat(category.getString("query")).startsWith("&cp=Women%27s%20Shoes;Running&sids=");
      JsonObject visual = searches.getJsonObject(11).getJsonObject("body").getJsonArray("recordQueries")
          .getJsonObject(0).getJsonObject("settings");
      assertThat(visual.getJsonObject("context").getJsonArray("sourceObjects").getJsonObject(0).getJsonArray("records"))
          .isEqualTo(new JsonArray("[{\"id\":\"10001\"},{\"itemGroupId\":\"60000\"}]"));
      ctx.completeNow();
    })));
  }

  @Test
  void noSearchForHiddenOrStaticBannersNorForAPageWithoutTheContextItsLogicNeeds(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("kmc-no-search"));
    List<Page> pages = List.of(new Page("hidden-kmc.HOME.TRENDING.t", ""), new Page("static-kmc.HOME.TRENDING.t", ""),
        new Page("kmc.CATEGORY.TRENDING.t", ""), new Page("kmc.PRODUCT.SIMILAR.t", "?gpid=60000"),
        new Page("kmc.CHECKOUT.BOUGHT_TOGETHER.t", ""));
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    Future<?> chain = Future.succeededFuture();
    for (Page p : pages) {
      chain = chain.compose(v -> page(cookie, p).map(answers::add));
    }
    chain.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(answers).extracting(r -> r.bodyAsJsonObject().getString("skipped")).containsExactly(
          "hide_recommendation", "static_content", "missing_page_context", "missing_page_context",
          "missing_page_context");
      JsonObject banner = answers.get(1).bodyAsJsonObject();
      assertThat(banner.getJsonObject("analytics").getString("action")).isEqualTo("STATIC_CONTENT");
      assertThat(banner.getJsonArray("staticContent").getJsonObject(0).getJsonArray("image")).isNotEmpty();
      assertThat(env.sim.state().requestsJson(Upstream.SEARCH, 0, 100)).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  void aRecentlyViewedBannerIsReadInPlaceOnlyByShoppersWhoClickedNothing(VertxTestContext ctx) {
    String clicker = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("kmc-clicker"));
    String browser = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("kmc-browser"));
    Page viewed = new Page("kmc.HOME.RECENTLY_VIEWED.memo", "");
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    JsonObject click = new JsonObject().put("type", "click").put("recsKey", viewed.recsKey())
        .put("list", new JsonObject().put("title", "Recently viewed").put("logic", "RECENTLY_VIEWED"))
        .put("items", new JsonArray().add(new JsonObject().put("id", "10020")));
    page(clicker, viewed).map(answers::add)
        .compose(v -> page(clicker, viewed)).map(answers::add)
        .compose(v -> env.client.post("/v1/events").putHeader("Cookie", clicker).sendJsonObject(click))
        .compose(v -> page(clicker, viewed)).map(answers::add)
        .compose(v -> page(browser, viewed)).map(answers::add)
        .compose(v -> page(browser, viewed)).map(answers::add)
        .compose(v -> page(clicker, viewed)).map(answers::add)
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          String inPlace = "memory;dur=";
          // nothing clicked yet: the second page is read in place like any other banner
          assertThat(answers.get(1).getHeader("Server-Timing")).contains(inPlace);
          assertThat(answers.get(1).bodyAsJsonObject().getJsonArray("products")).isEmpty();
          // after a click, the shopper's own list, never the memo's banner of no clicks
          assertThat(answers.get(2).getHeader("Server-Timing")).doesNotContain(inPlace);
          assertThat(products(answers.get(2))).containsExactly("10020");
          // another shopper who clicked nothing is read in place once it is known to have clicked nothing
          assertThat(answers.get(3).getHeader("Server-Timing")).doesNotContain(inPlace);
          assertThat(answers.get(4).getHeader("Server-Timing")).contains(inPlace);
          assertThat(answers.get(4).bodyAsJsonObject().getJsonArray("products")).isEmpty();
          assertThat(products(answers.get(5))).containsExactly("10020");
          ctx.completeNow();
        })));
  }

  private static List<String> products(HttpResponse<Buffer> page) {
    return page.bodyAsJsonObject().getJsonArray("products").stream().map(p -> ((JsonObject) p).getString("id")).toList();
  }
}
