package dev.edgegateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class PageEventsTest {
  private static final String SESSION = "615e65c3-bc3b-4bec-9259-d368115b07ad";

  private static final String API_KEY = "klevu-164270249063714699";

  /** What the page posts: the analytics object and three products as /v1/recommendations returned them. */
  private static final String IMPRESSION_BODY = """
      {"events":[{"type":"impression","recsKey":"k-1a2b3c",
        "list":{"recsKey":"k-1a2b3c","title":"Still looking for these?","logic":"RECENTLY_VIEWED","pageType":"HOME",
                "spotKey":"spot-1","spotName":"Home spot 1","segmentKey":"seg-a","segmentName":"Just browsing",
                "action":null,"maxProducts":10},
        "items":[
          {"id":"39814","index":1,"name":"Lorem ipsum","price":"25.00","salePrice":"19.99","currency":"USD",
           "brand":"47","itemGroupId":"67466"},
          {"id":"39815","index":2,"name":"Dolor sit","price":19.5,"currency":"USD","brand":"47","groupId":67467,
           "variant":"39815-red","url":"https://shop.example/p/39815","image":"x.png"},
          {"id":40001,"index":3}
        ],
        "userId":"someone@example.com"}]}
      """;

  /**
   * What @klevu/core 5.2.2 sends for the same banner and products (KlevuEvents.recommendationView): the Klevu API
   * key, user_profile.sessionId, string prices, item_variant_id and item_group_id defaulting to the id, item_name
   * to "unknown", price to "0"; no tags, no quantity.
   */
  private static final String IMPRESSION_FIXTURE = """
      [{"event":"view_recs_list","event_version":"1.0.0","event_apikey":"klevu-164270249063714699",
        "user_profile":{"sessionId":"615e65c3-bc3b-4bec-9259-d368115b07ad"},
        "event_data":{"list_id":"k-1a2b3c","list_logic":"RECENTLY_VIEWED","list_name":"Still looking for these?",
          "action":null,"spot_id":"spot-1","spot_name":"Home spot 1","segment_name":"Just browsing","segment_id":"seg-a",
          "items":[
            {"index":1,"item_id":"39814","item_group_id":"67466","item_name":"Lorem ipsum","item_variant_id":"39814",
             "price":"25.00","currency":"USD","item_brand":"47"},
            {"index":2,"item_id":"39815","item_group_id":"67467","item_name":"Dolor sit","item_variant_id":"39815-red",
             "price":"19.5","currency":"USD","item_brand":"47"},
            {"index":3,"item_id":"40001","item_group_id":"40001","item_name":"unknown","item_variant_id":"40001",
             "price":"0"}
          ]}}]
      """;

  private static JsonObject event(String type, int items) {
    JsonArray array = new JsonArray();
    for (int i = 1; i <= items; i++) {
      array.add(new JsonObject().put("id", "p" + i).put("index", i).put("price", "1.00"));
    }
    return new JsonObject().put("type", type).put("recsKey", "k-abc")
        .put("list", new JsonObject().put("title", "T").put("logic", "SIMILAR").put("pageType", "PRODUCT"))
        .put("items", array);
  }

  private static JsonObject item(JsonObject body) {
    return PageEvents.toKlevu(body, API_KEY, SESSION).get(0).getJsonObject("event_data").getJsonArray("items").getJsonObject(0);
  }

  private static JsonObject withItem(JsonObject item) {
    return new JsonObject().put("type", "click").put("recsKey", "k-abc")
        .put("list", new JsonObject().put("title", "T").put("logic", "SIMILAR")).put("items", new JsonArray().add(item));
  }

  private static void assertBadRequest(ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOf(OutcomeException.class)
        .satisfies(t -> assertThat(((OutcomeException) t).outcome()).isEqualTo(Outcome.BAD_REQUEST))
        .hasMessageContaining(messagePart);
  }

  @Test
  void impressionWithThreeItemsMatchesTheFixture() {
    List<JsonObject> out = PageEvents.toKlevu(Buffer.buffer(IMPRESSION_BODY), API_KEY, SESSION);
    assertThat(new JsonArray(out)).isEqualTo(new JsonArray(IMPRESSION_FIXTURE));
    // types too: prices and ids are strings, as in Klevu's records
    JsonObject second = out.get(0).getJsonObject("event_data").getJsonArray("items").getJsonObject(1);
    assertThat(second.getValue("price")).isEqualTo("19.5");
    assertThat(second.getValue("item_group_id")).isEqualTo("67467");
    assertThat(out.get(0).encode()).doesNotContain("someone@example.com", "maxProducts", "x.png");
  }

  @Test
  void clickWithOneItemIsASelectRecsList() {
    List<JsonObject> out = PageEvents.toKlevu(new JsonObject().put("events", new JsonArray().add(event("click", 1))), API_KEY, SESSION);
    assertThat(out).hasSize(1);
    JsonObject e = out.get(0);
    assertThat(e.getString("event")).isEqualTo("select_recs_list");
    assertThat(e.getString("event_apikey")).isEqualTo(API_KEY);
    assertThat(e.getJsonObject("event_data").containsKey("tags")).isFalse();
    assertThat(e.getJsonObject("event_data").getString("list_id")).isEqualTo("k-abc");
    assertThat(e.getJsonObject("event_data").getJsonArray("items")).hasSize(1);
  }

  @Test
  void aClickSendsTheSalePriceAsTheSdkDoes() {
    JsonObject product = new JsonObject().put("id", "39814").put("price", "25.00").put("salePrice", "19.99")
        .put("itemGroupId", "67466").put("name", "Lorem ipsum").put("currency", "USD").put("index", 4);
    assertThat(item(withItem(product))).isEqualTo(new JsonObject("""
        {"index":4,"item_id":"39814","item_group_id":"67466","item_name":"Lorem ipsum","item_variant_id":"39814",
         "price":"19.99","currency":"USD"}"""));
    assertThat(item(withItem(product.copy().putNull("salePrice"))).getString("price")).isEqualTo("25.00");
    JsonObject impression = withItem(product).put("type", "impression");
    assertThat(item(impression).getString("price")).isEqualTo("25.00");
  }

  @Test
  void aStaticContentBannerIsReportedWithItsImageInsteadOfItems() {
    JsonObject banner = new JsonObject().put("type", "impression").put("recsKey", "static-k")
        .put("list", new JsonObject().put("title", "Sale").put("logic", "TRENDING").put("action", "STATIC_CONTENT")
            .put("spotKey", null))
        .put("banner", new JsonObject().put("imageUrl", "https://shop.example/b.jpg").put("altTag", "Sale"));
    JsonObject data = PageEvents.toKlevu(banner, API_KEY, null).get(0).getJsonObject("event_data");
    assertThat(data).isEqualTo(new JsonObject("""
        {"list_id":"static-k","list_logic":"TRENDING","list_name":"Sale","action":"STATIC_CONTENT","spot_id":null,
         "static_content":[{"resolution":"desktop","index":1,"banner_alt_tag":"Sale",
                            "banner_image_url":"https://shop.example/b.jpg","content_type":"image"}]}"""));
    banner.getJsonObject("banner").put("resolution", "tv");
    assertBadRequest(() -> PageEvents.toKlevu(banner, API_KEY, null), "banner.resolution");
    banner.getJsonObject("banner").put("resolution", "mobile").remove("altTag");
    assertBadRequest(() -> PageEvents.toKlevu(banner, API_KEY, null), "banner.altTag is required");
  }

  @Test
  void theListsTitleAndLogicAreRequiredAsKlevuRefusesEventsWithout() {
    JsonObject noList = event("impression", 1);
    noList.remove("list");
    assertBadRequest(() -> PageEvents.toKlevu(noList, API_KEY, SESSION), "list is required");
    JsonObject noLogic = event("impression", 1);
    noLogic.getJsonObject("list").remove("logic");
    assertBadRequest(() -> PageEvents.toKlevu(noLogic, API_KEY, SESSION), "list.logic is required");
    JsonObject badAction = event("impression", 1);
    badAction.getJsonObject("list").put("action", "SHOW_EVERYTHING");
    assertBadRequest(() -> PageEvents.toKlevu(badAction, API_KEY, SESSION), "list.action must be");
  }

  @Test
  void clickIdsAreWhatFeedsTheRecentlyViewedList() {
    JsonObject body = new JsonObject().put("events", new JsonArray().add(event("impression", 2))
        .add(withItem(new JsonObject().put("id", 12))).add(withItem(new JsonObject().put("id", "a-7"))));
    assertThat(PageEvents.clickedIds(PageEvents.toKlevu(body, API_KEY, SESSION))).containsExactly("12", "a-7");
  }

  @Test
  void clickWithTwoItemsOrNoneIsRejected() {
    assertBadRequest(() -> PageEvents.toKlevu(event("click", 2), API_KEY, SESSION), "exactly one item");
    assertBadRequest(() -> PageEvents.toKlevu(event("click", 0), API_KEY, SESSION), "items is empty");
  }

  @Test
  void singleEventWithoutWrapperIsAccepted() {
    List<JsonObject> out = PageEvents.toKlevu(event("impression", 2), API_KEY, SESSION);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getString("event")).isEqualTo("view_recs_list");
  }

  @Test
  void withoutSessionTheEventIsSentWithoutSessionId() {
    JsonObject e = PageEvents.toKlevu(event("impression", 1), API_KEY, null).get(0);
    assertThat(e.getJsonObject("user_profile")).isEqualTo(new JsonObject());
    assertThat(PageEvents.toKlevu(event("impression", 1), API_KEY, SESSION).get(0).getJsonObject("user_profile"))
        .isEqualTo(new JsonObject().put("sessionId", SESSION));
  }

  @Test
  void junkTypesAreRejected() {
    for (Object type : new Object[] {"view", "", "IMPRESSION", "view_recs_list", 42, true, new JsonObject()}) {
      JsonObject body = event("impression", 1).put("type", type);
      assertThatThrownBy(() -> PageEvents.toKlevu(body, API_KEY, SESSION)).as("type %s", type)
          .isInstanceOf(OutcomeException.class).hasMessageContaining("type");
    }
    JsonObject missing = event("impression", 1);
    missing.remove("type");
    assertBadRequest(() -> PageEvents.toKlevu(missing, API_KEY, SESSION), "type is required");
  }

  @Test
  void recsKeyIsRequiredAndChecked() {
    JsonObject missing = event("impression", 1);
    missing.remove("recsKey");
    assertBadRequest(() -> PageEvents.toKlevu(missing, API_KEY, SESSION), "recsKey is required");
    for (String bad : new String[] {"", "k 1", "k-<script>", "k/1", "x".repeat(129), "klé"}) {
      assertBadRequest(() -> PageEvents.toKlevu(event("impression", 1).put("recsKey", bad), API_KEY, SESSION), "recsKey must match");
    }
    assertBadRequest(() -> PageEvents.toKlevu(event("impression", 1).put("recsKey", 12), API_KEY, SESSION), "recsKey must be a string");
    assertThat(PageEvents.toKlevu(event("impression", 1).put("recsKey", "k-" + "a".repeat(126)), API_KEY, SESSION)).hasSize(1);
  }

  @Test
  void oversizedStringsAreRejectedNotTruncated() {
    JsonObject ok = event("impression", 1);
    ok.getJsonObject("list").put("title", "t".repeat(512));
    assertThat(PageEvents.toKlevu(ok, API_KEY, SESSION).get(0).getJsonObject("event_data").getString("list_name")).hasSize(512);

    JsonObject longTitle = event("impression", 1);
    longTitle.getJsonObject("list").put("title", "t".repeat(513));
    assertBadRequest(() -> PageEvents.toKlevu(longTitle, API_KEY, SESSION), "event.list.title is longer than 512");

    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", new JsonArray().add(event("impression", 1))
        .add(withItem(new JsonObject().put("id", "1").put("name", "n".repeat(100_000))))), API_KEY, SESSION),
        "events[1].items[0].name is longer than 512");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", "i".repeat(513))), API_KEY, SESSION), "id is longer");
  }

  @Test
  void atMostFiftyEventsAndHundredItems() {
    JsonArray fifty = new JsonArray();
    for (int i = 0; i < 50; i++) {
      fifty.add(event("impression", 1));
    }
    assertThat(PageEvents.toKlevu(new JsonObject().put("events", fifty), API_KEY, SESSION)).hasSize(50);
    fifty.add(event("impression", 1));
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", fifty), API_KEY, SESSION), "too many events: 51");
    assertThat(PageEvents.toKlevu(event("impression", 100), API_KEY, SESSION).get(0)
        .getJsonObject("event_data").getJsonArray("items")).hasSize(100);
    assertBadRequest(() -> PageEvents.toKlevu(event("impression", 101), API_KEY, SESSION), "at most 100");
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", new JsonArray()), API_KEY, SESSION), "events is empty");
  }

  @Test
  void priceIsADecimalStringAsTheSdkSendsIt() {
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", "25.00"))).getValue("price")).isEqualTo("25.00");
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", 25))).getValue("price")).isEqualTo("25");
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", 25.0))).getValue("price")).isEqualTo("25");
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", 25.99))).getValue("price")).isEqualTo("25.99");
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", "0"))).getValue("price")).isEqualTo("0");
    assertThat(item(withItem(new JsonObject().put("id", "1"))).getValue("price")).isEqualTo("0");
    assertThat(item(withItem(new JsonObject().put("id", "1").putNull("price"))).getValue("price")).isEqualTo("0");
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", ""))).getValue("price")).isEqualTo("0");
    for (Object garbage : new Object[] {"abc", "25,00", "$25", "1e3", "NaN", "Infinity", "-1", "25.", ".5", " 7.5 ", -3, true,
        new JsonArray().add(1), new JsonObject()}) {
      assertThatThrownBy(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", "1").put("price", garbage)), API_KEY, SESSION))
          .as("price %s", garbage).isInstanceOf(OutcomeException.class).hasMessageContaining("items[0].price");
    }
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer(
        "{\"type\":\"click\",\"recsKey\":\"k\",\"list\":{\"title\":\"t\",\"logic\":\"l\"},"
            + "\"items\":[{\"id\":\"1\",\"price\":1e400}]}"), API_KEY, SESSION), "price");
  }

  @Test
  void indexIsAPositiveIntegerOrThePosition() {
    assertThat(item(withItem(new JsonObject().put("id", "1"))).getInteger("index")).isEqualTo(1);
    JsonObject noIndex = event("impression", 3);
    noIndex.getJsonArray("items").forEach(i -> ((JsonObject) i).remove("index"));
    JsonArray items = PageEvents.toKlevu(noIndex, API_KEY, SESSION).get(0).getJsonObject("event_data").getJsonArray("items");
    assertThat(items.stream().map(i -> ((JsonObject) i).getInteger("index"))).containsExactly(1, 2, 3);
    assertThat(item(withItem(new JsonObject().put("id", "1").put("index", 7))).getValue("index")).isEqualTo(7);
    for (Object bad : new Object[] {0, -1, 1.5, "1", 3_000_000_000L, true}) {
      assertThatThrownBy(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", "1").put("index", bad)), API_KEY, SESSION))
          .as("index %s", bad).isInstanceOf(OutcomeException.class).hasMessageContaining("index must be a positive integer");
    }
  }

  @Test
  void itemIdIsRequired() {
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("name", "x")), API_KEY, SESSION), "items[0].id is required");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", " ")), API_KEY, SESSION), "items[0].id is required");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", true)), API_KEY, SESSION), "items[0].id must be");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", 1.5)), API_KEY, SESSION), "items[0].id must be");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject()).put("items", new JsonArray().add("39814")),
        API_KEY, SESSION), "items[0] must be an object");
  }

  @Test
  void wrongShapesAreRejectedWithTheirPath() {
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", "x"), API_KEY, SESSION), "events must be an array");
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", new JsonArray().add(1)), API_KEY, SESSION),
        "events[0] must be an object");
    assertBadRequest(() -> PageEvents.toKlevu(event("impression", 1).put("list", "x"), API_KEY, SESSION), "list is required");
    assertBadRequest(() -> PageEvents.toKlevu(event("impression", 1).put("items", new JsonObject()), API_KEY, SESSION),
        "items must be an array");
    JsonObject numericTitle = event("impression", 1);
    numericTitle.getJsonObject("list").put("title", 5);
    assertBadRequest(() -> PageEvents.toKlevu(numericTitle, API_KEY, SESSION), "list.title must be a string");
  }

  @Test
  void rawBodiesThatAreNotAnObjectAreRejected() {
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer(), API_KEY, SESSION), "empty body");
    assertBadRequest(() -> PageEvents.toKlevu((Buffer) null, API_KEY, SESSION), "empty body");
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer("{\"events\":["), API_KEY, SESSION), "not valid JSON");
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer("[]"), API_KEY, SESSION), "must be a JSON object");
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer("\"x\""), API_KEY, SESSION), "must be a JSON object");
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer("0=[object Object]"), API_KEY, SESSION), "not valid JSON");
  }

  @Test
  void unicodePassesThroughAndIsCountedInCharacters() {
    String title = "Café ☕ — 日本語のおすすめ 😀";
    JsonObject body = event("impression", 1);
    body.getJsonObject("list").put("title", title).put("segmentName", "Ünïcödé");
    body.getJsonArray("items").getJsonObject(0).put("name", "Grüße 👟").put("brand", "Æon");
    List<JsonObject> out = PageEvents.toKlevu(Buffer.buffer(body.encode()), API_KEY, SESSION);
    JsonObject data = out.get(0).getJsonObject("event_data");
    assertThat(data.getString("list_name")).isEqualTo(title);
    assertThat(data.getString("segment_name")).isEqualTo("Ünïcödé");
    assertThat(data.getJsonArray("items").getJsonObject(0).getString("item_name")).isEqualTo("Grüße 👟");
    assertThat(data.getJsonArray("items").getJsonObject(0).getString("item_brand")).isEqualTo("Æon");

    JsonObject emoji = event("impression", 1);
    emoji.getJsonObject("list").put("title", "😀".repeat(512)); // 1024 UTF-16 units, 512 characters
    assertThat(PageEvents.toKlevu(emoji, API_KEY, SESSION)).hasSize(1);
    emoji.getJsonObject("list").put("title", "😀".repeat(513));
    assertBadRequest(() -> PageEvents.toKlevu(emoji, API_KEY, SESSION), "longer than 512");
  }

  @Test
  void errorMessagesDoNotEchoValues() {
    JsonObject body = event("impression", 1).put("recsKey", "k-<img src=x onerror=alert(1)>");
    assertThatThrownBy(() -> PageEvents.toKlevu(body, API_KEY, SESSION)).message().doesNotContain("<img");
  }
}
