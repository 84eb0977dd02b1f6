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

  /** What the page posts: the list metadata from /v1/recommendations and three rendered products. */
  private static final String IMPRESSION_BODY = """
      {"events":[{"type":"impression","recsKey":"k-1a2b3c",
        "list":{"title":"Still looking for these?","logic":"RECENTLY_VIEWED","pageType":"HOME",
                "spotKey":"spot-1","spotName":"Home spot 1","segmentKey":"seg-a","segmentName":"Just browsing",
                "recsKey":"k-1a2b3c","maxProducts":10},
        "items":[
          {"id":"39814","index":1,"name":"Lorem ipsum","price":"25.00","currency":"USD","brand":"47","groupId":"67466"},
          {"id":"39815","index":2,"name":"Dolor sit","price":19.5,"currency":"USD","brand":"47","groupId":67467,
           "variant":"39815-red","url":"https://shop.example/p/39815","image":"x.png"},
          {"id":40001,"index":3,"name":"Amet"}
        ],
        "userId":"someone@example.com"}]}
      """;

  /** The exact docs/upstream-apis.md §5 shape expected for IMPRESSION_BODY. */
  private static final String IMPRESSION_FIXTURE = """
      [{"event":"view_recs_list","event_version":"1.0.0","event_apikey":"k-1a2b3c",
        "user_profile":{"session_id":"615e65c3-bc3b-4bec-9259-d368115b07ad"},
        "event_data":{"tags":{"recsPageType":"home"},"list_id":"k-1a2b3c","list_name":"Still looking for these?",
          "list_logic":"RECENTLY_VIEWED","spot_id":"spot-1","spot_name":"Home spot 1",
          "segment_id":"seg-a","segment_name":"Just browsing",
          "items":[
            {"index":1,"item_id":"39814","item_name":"Lorem ipsum","price":25.0,"currency":"USD","item_brand":"47",
             "item_variant":"39814","item_group_id":"67466","quantity":1},
            {"index":2,"item_id":"39815","item_name":"Dolor sit","price":19.5,"currency":"USD","item_brand":"47",
             "item_variant":"39815-red","item_group_id":"67467","quantity":1},
            {"index":3,"item_id":"40001","item_name":"Amet","item_variant":"40001","quantity":1}
          ]}}]
      """;

  private static JsonObject event(String type, int items) {
    JsonArray array = new JsonArray();
    for (int i = 1; i <= items; i++) {
      array.add(new JsonObject().put("id", "p" + i).put("index", i).put("price", "1.00"));
    }
    return new JsonObject().put("type", type).put("recsKey", "k-abc")
        .put("list", new JsonObject().put("title", "T").put("pageType", "PRODUCT"))
        .put("items", array);
  }

  private static JsonObject item(JsonObject body) {
    return PageEvents.toKlevu(body, SESSION).get(0).getJsonObject("event_data").getJsonArray("items").getJsonObject(0);
  }

  private static JsonObject withItem(JsonObject item) {
    return new JsonObject().put("type", "click").put("recsKey", "k-abc").put("items", new JsonArray().add(item));
  }

  private static void assertBadRequest(ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOf(OutcomeException.class)
        .satisfies(t -> assertThat(((OutcomeException) t).outcome()).isEqualTo(Outcome.BAD_REQUEST))
        .hasMessageContaining(messagePart);
  }

  @Test
  void impressionWithThreeItemsMatchesTheFixture() {
    List<JsonObject> out = PageEvents.toKlevu(Buffer.buffer(IMPRESSION_BODY), SESSION);
    assertThat(new JsonArray(out)).isEqualTo(new JsonArray(IMPRESSION_FIXTURE));
    // byte-level check of types too: prices are numbers, ids strings, quantity an int
    JsonObject second = out.get(0).getJsonObject("event_data").getJsonArray("items").getJsonObject(1);
    assertThat(second.getValue("price")).isInstanceOf(Double.class);
    assertThat(second.getValue("item_group_id")).isEqualTo("67467");
    assertThat(out.get(0).encode()).doesNotContain("someone@example.com", "maxProducts", "x.png");
  }

  @Test
  void clickWithOneItemIsASelectRecsList() {
    List<JsonObject> out = PageEvents.toKlevu(new JsonObject().put("events", new JsonArray().add(event("click", 1))), SESSION);
    assertThat(out).hasSize(1);
    JsonObject e = out.get(0);
    assertThat(e.getString("event")).isEqualTo("select_recs_list");
    assertThat(e.getString("event_apikey")).isEqualTo("k-abc");
    assertThat(e.getJsonObject("event_data").getJsonObject("tags").getString("recsPageType")).isEqualTo("product");
    assertThat(e.getJsonObject("event_data").getString("list_id")).isEqualTo("k-abc");
    assertThat(e.getJsonObject("event_data").getJsonArray("items")).hasSize(1);
  }

  @Test
  void clickWithTwoItemsOrNoneIsRejected() {
    assertBadRequest(() -> PageEvents.toKlevu(event("click", 2), SESSION), "exactly one item");
    assertBadRequest(() -> PageEvents.toKlevu(event("click", 0), SESSION), "items is empty");
  }

  @Test
  void singleEventWithoutWrapperIsAccepted() {
    List<JsonObject> out = PageEvents.toKlevu(event("impression", 2), SESSION);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getString("event")).isEqualTo("view_recs_list");
  }

  @Test
  void withoutSessionTheEventIsSentWithoutSessionId() {
    JsonObject e = PageEvents.toKlevu(event("impression", 1), null).get(0);
    assertThat(e.getJsonObject("user_profile")).isEqualTo(new JsonObject());
  }

  @Test
  void junkTypesAreRejected() {
    for (Object type : new Object[] {"view", "", "IMPRESSION", "view_recs_list", 42, true, new JsonObject()}) {
      JsonObject body = event("impression", 1).put("type", type);
      assertThatThrownBy(() -> PageEvents.toKlevu(body, SESSION)).as("type %s", type)
          .isInstanceOf(OutcomeException.class).hasMessageContaining("type");
    }
    JsonObject missing = event("impression", 1);
    missing.remove("type");
    assertBadRequest(() -> PageEvents.toKlevu(missing, SESSION), "type is required");
  }

  @Test
  void recsKeyIsRequiredAndChecked() {
    JsonObject missing = event("impression", 1);
    missing.remove("recsKey");
    assertBadRequest(() -> PageEvents.toKlevu(missing, SESSION), "recsKey is required");
    for (String bad : new String[] {"", "k 1", "k-<script>", "k/1", "x".repeat(129), "klé"}) {
      assertBadRequest(() -> PageEvents.toKlevu(event("impression", 1).put("recsKey", bad), SESSION), "recsKey must match");
    }
    assertBadRequest(() -> PageEvents.toKlevu(event("impression", 1).put("recsKey", 12), SESSION), "recsKey must be a string");
    assertThat(PageEvents.toKlevu(event("impression", 1).put("recsKey", "k-" + "a".repeat(126)), SESSION)).hasSize(1);
  }

  @Test
  void oversizedStringsAreRejectedNotTruncated() {
    JsonObject ok = event("impression", 1);
    ok.getJsonObject("list").put("title", "t".repeat(512));
    assertThat(PageEvents.toKlevu(ok, SESSION).get(0).getJsonObject("event_data").getString("list_name")).hasSize(512);

    JsonObject longTitle = event("impression", 1);
    longTitle.getJsonObject("list").put("title", "t".repeat(513));
    assertBadRequest(() -> PageEvents.toKlevu(longTitle, SESSION), "event.list.title is longer than 512");

    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", new JsonArray().add(event("impression", 1))
        .add(withItem(new JsonObject().put("id", "1").put("name", "n".repeat(100_000))))), SESSION),
        "events[1].items[0].name is longer than 512");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", "i".repeat(513))), SESSION), "id is longer");
  }

  @Test
  void atMostFiftyEventsAndHundredItems() {
    JsonArray fifty = new JsonArray();
    for (int i = 0; i < 50; i++) {
      fifty.add(event("impression", 1));
    }
    assertThat(PageEvents.toKlevu(new JsonObject().put("events", fifty), SESSION)).hasSize(50);
    fifty.add(event("impression", 1));
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", fifty), SESSION), "too many events: 51");
    assertThat(PageEvents.toKlevu(event("impression", 100), SESSION).get(0)
        .getJsonObject("event_data").getJsonArray("items")).hasSize(100);
    assertBadRequest(() -> PageEvents.toKlevu(event("impression", 101), SESSION), "at most 100");
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", new JsonArray()), SESSION), "events is empty");
  }

  @Test
  void priceAsStringNumberOrGarbage() {
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", "25.00"))).getValue("price")).isEqualTo(25.0);
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", " 7.5 "))).getValue("price")).isEqualTo(7.5);
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", 25))).getValue("price")).isEqualTo(25.0);
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", 25.99))).getValue("price")).isEqualTo(25.99);
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", "0"))).getValue("price")).isEqualTo(0.0);
    assertThat(item(withItem(new JsonObject().put("id", "1"))).containsKey("price")).isFalse();
    assertThat(item(withItem(new JsonObject().put("id", "1").putNull("price"))).containsKey("price")).isFalse();
    assertThat(item(withItem(new JsonObject().put("id", "1").put("price", ""))).containsKey("price")).isFalse();
    for (Object garbage : new Object[] {"abc", "25,00", "$25", "1e3", "NaN", "Infinity", "-1", "25.", ".5", -3, true,
        new JsonArray().add(1), new JsonObject()}) {
      assertThatThrownBy(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", "1").put("price", garbage)), SESSION))
          .as("price %s", garbage).isInstanceOf(OutcomeException.class).hasMessageContaining("items[0].price");
    }
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer(
        "{\"type\":\"click\",\"recsKey\":\"k\",\"items\":[{\"id\":\"1\",\"price\":1e400}]}"), SESSION), "price");
  }

  @Test
  void indexIsAPositiveIntegerOrThePosition() {
    assertThat(item(withItem(new JsonObject().put("id", "1"))).getInteger("index")).isEqualTo(1);
    JsonObject noIndex = event("impression", 3);
    noIndex.getJsonArray("items").forEach(i -> ((JsonObject) i).remove("index"));
    JsonArray items = PageEvents.toKlevu(noIndex, SESSION).get(0).getJsonObject("event_data").getJsonArray("items");
    assertThat(items.stream().map(i -> ((JsonObject) i).getInteger("index"))).containsExactly(1, 2, 3);
    assertThat(item(withItem(new JsonObject().put("id", "1").put("index", 7))).getValue("index")).isEqualTo(7);
    for (Object bad : new Object[] {0, -1, 1.5, "1", 3_000_000_000L, true}) {
      assertThatThrownBy(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", "1").put("index", bad)), SESSION))
          .as("index %s", bad).isInstanceOf(OutcomeException.class).hasMessageContaining("index must be a positive integer");
    }
  }

  @Test
  void itemIdIsRequired() {
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("name", "x")), SESSION), "items[0].id is required");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", " ")), SESSION), "items[0].id is required");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", true)), SESSION), "items[0].id must be");
    assertBadRequest(() -> PageEvents.toKlevu(withItem(new JsonObject().put("id", 1.5)), SESSION), "items[0].id must be");
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("type", "click").put("recsKey", "k")
        .put("items", new JsonArray().add("39814")), SESSION), "items[0] must be an object");
  }

  @Test
  void wrongShapesAreRejectedWithTheirPath() {
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", "x"), SESSION), "events must be an array");
    assertBadRequest(() -> PageEvents.toKlevu(new JsonObject().put("events", new JsonArray().add(1)), SESSION),
        "events[0] must be an object");
    assertBadRequest(() -> PageEvents.toKlevu(event("impression", 1).put("list", "x"), SESSION), "list must be an object");
    assertBadRequest(() -> PageEvents.toKlevu(event("impression", 1).put("items", new JsonObject()), SESSION),
        "items is required and must be an array");
    JsonObject numericTitle = event("impression", 1);
    numericTitle.getJsonObject("list").put("title", 5);
    assertBadRequest(() -> PageEvents.toKlevu(numericTitle, SESSION), "list.title must be a string");
  }

  @Test
  void rawBodiesThatAreNotAnObjectAreRejected() {
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer(), SESSION), "empty body");
    assertBadRequest(() -> PageEvents.toKlevu((Buffer) null, SESSION), "empty body");
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer("{\"events\":["), SESSION), "not valid JSON");
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer("[]"), SESSION), "must be a JSON object");
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer("\"x\""), SESSION), "must be a JSON object");
    assertBadRequest(() -> PageEvents.toKlevu(Buffer.buffer("0=[object Object]"), SESSION), "not valid JSON");
  }

  @Test
  void unicodePassesThroughAndIsCountedInCharacters() {
    String title = "Café ☕ — 日本語のおすすめ 😀";
    JsonObject body = event("impression", 1);
    body.getJsonObject("list").put("title", title).put("segmentName", "Ünïcödé");
    body.getJsonArray("items").getJsonObject(0).put("name", "Grüße 👟").put("brand", "Æon");
    List<JsonObject> out = PageEvents.toKlevu(Buffer.buffer(body.encode()), SESSION);
    JsonObject data = out.get(0).getJsonObject("event_data");
    assertThat(data.getString("list_name")).isEqualTo(title);
    assertThat(data.getString("segment_name")).isEqualTo("Ünïcödé");
    assertThat(data.getJsonArray("items").getJsonObject(0).getString("item_name")).isEqualTo("Grüße 👟");
    assertThat(data.getJsonArray("items").getJsonObject(0).getString("item_brand")).isEqualTo("Æon");

    JsonObject emoji = event("impression", 1);
    emoji.getJsonObject("list").put("title", "😀".repeat(512)); // 1024 UTF-16 units, 512 characters
    assertThat(PageEvents.toKlevu(emoji, SESSION)).hasSize(1);
    emoji.getJsonObject("list").put("title", "😀".repeat(513));
    assertBadRequest(() -> PageEvents.toKlevu(emoji, SESSION), "longer than 512");
  }

  @Test
  void errorMessagesDoNotEchoValues() {
    JsonObject body = event("impression", 1).put("recsKey", "k-<img src=x onerror=alert(1)>");
    assertThatThrownBy(() -> PageEvents.toKlevu(body, SESSION)).message().doesNotContain("<img");
  }
}
