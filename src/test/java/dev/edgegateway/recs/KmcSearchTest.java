package dev.edgegateway.recs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The search body for every page type and logic is the one @klevu/core 5.2.2's kmcRecommendation (with KlevuFetch
 * and its personalisation modifier) posts for the same config, page and last clicks; each expectation below is the
 * SDK's body for that case, written out from its dist/mjs source. The e2e parity check compares the two live.
 */
class KmcSearchTest {
  private static final String KEY = "klevu-123";
  /** A config's payload as the config CDN gives it, with a top-level field the SDK does not carry over. */
  private static final JsonObject PAYLOAD = new JsonObject("""
      {"recordQueries":[{"id":"klevuRECSItemList","typeOfRequest":"RECS_X",
        "settings":{"typeOfRecords":["KLEVU_PRODUCT"],"limit":6,"segmentKey":"seg-a","sids":["seg-a"]}}],
       "extra":true}""");

  private static JsonObject metadata(String pageType, String logic) {
    return new JsonObject().put("pageType", pageType).put("logic", logic);
  }

  private static RecsRequest page(String pid, String gpid, String cp, List<String> cart) {
    return new RecsRequest(KEY, "k", List.of("seg-a"), pid, gpid, cp, cart, "shopper");
  }

  private static JsonObject build(String pageType, String logic, RecsRequest page, List<String> clicks) {
    return KmcSearch.build(PAYLOAD, metadata(pageType, logic), page, clicks);
  }

  /** The SDK's body: the context, then one query with the given settings after the config's own. */
  private static JsonObject sdk(String settingsAfterConfig) {
    return new JsonObject("""
        {"context":{"apiKeys":["klevu-123"]},"recordQueries":[{"id":"kmcrecommendation","typeOfRequest":"RECS_X",
          "settings":{"typeOfRecords":["KLEVU_PRODUCT"],"limit":6,"segmentKey":"seg-a","sids":["seg-a"]%s}}]}"""
        .formatted(settingsAfterConfig.isEmpty() ? "" : "," + settingsAfterConfig));
  }

  @Test
  void homeTrendingKeepsTheConfigsQueryUnderTheSdksIdAndNothingElseOfThePayload() {
    assertThat(build("HOME", "TRENDING", page(null, null, null, null), List.of("1"))).isEqualTo(sdk(""));
    assertThat(build("HOME", "HAND_PICKED", page("", "", "", null), List.of())).isEqualTo(sdk(""));
  }

  @Test
  void homeRecentlyViewedSearchesTheLastTenClicks() {
    List<String> clicks = List.of("12", "11", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1");
    assertThat(build("HOME", "RECENTLY_VIEWED", page(null, null, null, null), clicks)).isEqualTo(sdk("""
        "customANDQuery":"id:(12 OR 11 OR 10 OR 9 OR 8 OR 7 OR 6 OR 5 OR 4 OR 3)",
        "topIds":[{"key":"id","value":"12"},{"key":"id","value":"11"},{"key":"id","value":"10"},
          {"key":"id","value":"9"},{"key":"id","value":"8"},{"key":"id","value":"7"},{"key":"id","value":"6"},
          {"key":"id","value":"5"},{"key":"id","value":"4"},{"key":"id","value":"3"}]"""));
    // no clicks yet: what the SDK sends then
    assertThat(build("HOME", "RECENTLY_VIEWED", page(null, null, null, null), List.of()))
        .isEqualTo(sdk("\"customANDQuery\":\"id:()\",\"topIds\":[]"));
  }

  @Test
  void categoryLogicsNeedTheCategoryPath() {
    for (String logic : List.of("TRENDING", "NEWEST_ARRIVALS", "CUSTOM_LOGIC")) {
      assertThat(build("CATEGORY", logic, page(null, null, "Women;Shoes", null), List.of("1"))).as(logic)
          .isEqualTo(sdk("\"query\":{\"categoryPath\":\"Women;Shoes\"},\"categoryPath\":\"Women;Shoes\""));
      assertThat(build("CATEGORY", logic, page("10001", null, null, null), List.of())).as(logic).isNull();
    }
    // a category page with another logic: the options are still spread, nothing else added
    assertThat(build("CATEGORY", "HAND_PICKED", page(null, null, "Women", null), List.of()))
        .isEqualTo(sdk("\"categoryPath\":\"Women\""));
  }

  @Test
  void trendingPersonalisedAddsPersonalisationAndTheLastClicksAsRecentObjects() {
    assertThat(build("CATEGORY", "TRENDING_PERSONALIZED", page(null, null, "Women", null), List.of("b", "a")))
        .isEqualTo(sdk("""
            "query":{"categoryPath":"Women"},"categoryPath":"Women","personalisation":{"enablePersonalisation":true},
            "context":{"recentObjects":[{"typeOfRecord":"KLEVU_PRODUCT","records":[{"id":"b"},{"id":"a"}]}]}"""));
    assertThat(build("HOME", "TRENDING_PERSONALIZED", page(null, null, null, null), List.of()))
        .isEqualTo(sdk("\"personalisation\":{\"enablePersonalisation\":true}"));
  }

  @Test
  void productLogicsSendTheProductAndExcludeItsGroup() {
    for (String logic : List.of("OTHER_ALSO_VIEWED", "SIMILAR", "BOUGHT_TOGETHER_PDP", "CUSTOM_LOGIC")) {
      assertThat(build("PRODUCT", logic, page("10001", "60000", null, null), List.of())).as(logic).isEqualTo(sdk("""
          "context":{"recentObjects":[{"typeOfRecord":"KLEVU_PRODUCT","records":[{"id":"10001"}]}]},
          "excludeIds":[{"key":"itemGroupId","value":"60000"}],"currentProductId":"10001","itemGroupId":"60000\""""));
      assertThat(build("PRODUCT", logic, page("10001", null, null, null), List.of())).as(logic).isEqualTo(sdk("""
          "context":{"recentObjects":[{"typeOfRecord":"KLEVU_PRODUCT","records":[{"id":"10001"}]}]},
          "currentProductId":"10001\""""));
      assertThat(build("PRODUCT", logic, page(null, "60000", null, null), List.of())).as(logic).isNull();
    }
  }

  @Test
  void visuallySimilarSendsTheProductAndItsGroupAsSourceObjects() {
    assertThat(build("PRODUCT", "VISUALLY_SIMILAR", page("10001", "60000", null, null), List.of())).isEqualTo(sdk("""
        "context":{"sourceObjects":[{"typeOfRecord":"KLEVU_PRODUCT","records":[{"id":"10001"},{"itemGroupId":"60000"}]}]},
        "excludeIds":[{"key":"itemGroupId","value":"60000"}],"currentProductId":"10001","itemGroupId":"60000\""""));
    assertThat(build("PRODUCT", "VISUALLY_SIMILAR", page(null, null, null, null), List.of())).isNull();
  }

  @Test
  void checkoutLogicsSendTheCartEvenWhenEmpty() {
    for (String logic : List.of("BOUGHT_TOGETHER", "CUSTOM_LOGIC")) {
      assertThat(build("CHECKOUT", logic, page(null, null, null, List.of("1", "2")), List.of())).as(logic)
          .isEqualTo(sdk("""
              "context":{"recentObjects":[{"typeOfRecord":"KLEVU_PRODUCT","records":[{"id":"1"},{"id":"2"}]}]},
              "cartProductIds":["1","2"]"""));
      assertThat(build("CHECKOUT", logic, page(null, null, null, List.of()), List.of())).as(logic).isEqualTo(sdk("""
          "context":{"recentObjects":[{"typeOfRecord":"KLEVU_PRODUCT","records":[]}]},"cartProductIds":[]"""));
      assertThat(build("CHECKOUT", logic, page(null, null, null, null), List.of())).as(logic).isNull();
    }
  }

  @Test
  void onlyRecentlyViewedAtHomeAndTrendingPersonalisedDependOnClicks() {
    assertThat(KmcSearch.usesClicks(metadata("HOME", "RECENTLY_VIEWED"))).isTrue();
    assertThat(KmcSearch.usesClicks(metadata("CATEGORY", "TRENDING_PERSONALIZED"))).isTrue();
    assertThat(KmcSearch.usesClicks(metadata("HOME", "TRENDING_PERSONALIZED"))).isTrue();
    assertThat(KmcSearch.usesClicks(metadata("PRODUCT", "RECENTLY_VIEWED"))).isFalse();
    assertThat(KmcSearch.usesClicks(metadata("HOME", "TRENDING"))).isFalse();
    assertThat(KmcSearch.usesClicks(new JsonObject())).isFalse();
  }

  @Test
  void theConfigQueryIsTheSdks() {
    assertThat(KmcConfigQuery.of(null, null, null, List.of())).isEmpty();
    assertThat(KmcConfigQuery.of("", "", "", List.of())).isEmpty();
    assertThat(KmcConfigQuery.of(null, null, null, List.of("seg-a", "seg-b"))).isEqualTo("?sids=seg-a,seg-b");
    assertThat(KmcConfigQuery.of("Women's Shoes;Running", null, null, List.of("seg-a", "seg-b")))
        .isEqualTo("?&cp=Women%27s%20Shoes;Running&sids=seg-a,seg-b");
    assertThat(KmcConfigQuery.of(null, "10001", "60000", List.of())).isEqualTo("?&pid=10001&gpid=60000");
    assertThat(KmcConfigQuery.of("Kids", "10001", null, List.of("s"))).isEqualTo("?&cp=Kids&pid=10001&sids=s");
    // what would break the query apart, or is not valid in a URI, is escaped; '+' and '=' go raw as in the SDK
    assertThat(KmcConfigQuery.of("A&B #1 50% {x}|Café+=", null, null, List.of()))
        .isEqualTo("?&cp=A%26B%20%231%2050%25%20%7Bx%7D%7CCaf%C3%A9+=");
  }
}
