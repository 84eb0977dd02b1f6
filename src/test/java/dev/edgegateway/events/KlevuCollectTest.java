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

class KlevuCollectTest {
  private static final String JSON = "application/json";
  private static final String KEY = "klevu-164270249063714699";

  /** A view_recs_list exactly as @klevu/core 5.2 posts it. */
  private static JsonObject view(String sessionKey, String session) {
    JsonObject profile = new JsonObject();
    if (sessionKey != null) {
      profile.put(sessionKey, session);
    }
    return new JsonObject().put("event", "view_recs_list").put("event_version", "1.0.0")
        .put("event_apikey", KEY).put("user_profile", profile)
        .put("event_data", new JsonObject().put("list_id", "k-1").put("list_logic", "TRENDING")
            .put("list_name", "Trending now").put("action", null).put("spot_id", "spot-1").put("spot_name", null)
            .put("segment_id", "seg-a")
            .put("items", new JsonArray().add(new JsonObject().put("index", 1).put("item_id", "39814")
                .put("item_group_id", "67466").put("item_name", "Lorem").put("item_variant_id", "39814")
                .put("price", "25.00").put("currency", "USD").put("item_brand", "47"))));
  }

  private static List<JsonObject> parse(String contentType, Buffer body) {
    return KlevuCollect.parse(contentType, body, KEY, null);
  }

  private static void assertBadRequest(ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOf(OutcomeException.class)
        .satisfies(t -> assertThat(((OutcomeException) t).outcome()).isEqualTo(Outcome.BAD_REQUEST))
        .hasMessageContaining(messagePart);
  }

  @Test
  void arrayOfEventsIsPassedOnAsSent() {
    JsonArray body = new JsonArray().add(view("sessionId", "s-1")).add(view("sessionId", "s-2"));
    List<JsonObject> out = parse(JSON, body.toBuffer());
    assertThat(out).containsExactly(view("sessionId", "s-1"), view("sessionId", "s-2"));
  }

  @Test
  void singleObjectIsWrapped() {
    List<JsonObject> out = parse(JSON, view("sessionId", "s-1").toBuffer());
    assertThat(out).containsExactly(view("sessionId", "s-1"));
  }

  @Test
  void theShoppersSessionFillsOnlyAnEventWithoutOne() {
    JsonArray body = new JsonArray().add(view(null, null)).add(view("sessionId", "sdk-session"));
    List<JsonObject> out = KlevuCollect.parse(JSON, body.toBuffer(), KEY, "cookie-session");
    assertThat(out.get(0).getJsonObject("user_profile")).isEqualTo(new JsonObject().put("sessionId", "cookie-session"));
    assertThat(out.get(1).getJsonObject("user_profile")).isEqualTo(new JsonObject().put("sessionId", "sdk-session"));
    assertThat(parse(JSON, view(null, null).toBuffer()).get(0).getJsonObject("user_profile")).isEmpty();
  }

  @Test
  void theGuidesSessionSpellingIsTakenAsTheSdks() {
    JsonObject guide = parse(JSON, view("session_id", "s-9").toBuffer()).get(0);
    assertThat(guide.getJsonObject("user_profile")).isEqualTo(new JsonObject().put("sessionId", "s-9"));
    JsonObject both = view("session_id", "snake");
    both.getJsonObject("user_profile").put("sessionId", "camel");
    assertThat(parse(JSON, both.toBuffer()).get(0).getJsonObject("user_profile"))
        .isEqualTo(new JsonObject().put("sessionId", "camel"));
    assertBadRequest(() -> parse(JSON, view("sessionId", "s".repeat(129)).toBuffer()), "longer than 128");
    assertBadRequest(() -> parse(JSON, view(null, null).put("user_profile", "x").toBuffer()),
        "[0].user_profile must be an object");
    JsonObject numeric = view(null, null);
    numeric.getJsonObject("user_profile").put("sessionId", 5);
    assertBadRequest(() -> parse(JSON, numeric.toBuffer()), "sessionId must be a string");
    JsonObject extra = view(null, null);
    extra.getJsonObject("user_profile").put("userId", "someone");
    assertBadRequest(() -> parse(JSON, extra.toBuffer()), "user_profile has a field");
  }

  @Test
  void eachShapeTheGuideShowsButTheSdkNeverSendsIsRefused() {
    assertBadRequest(() -> parse(JSON, view(null, null).put("event_apikey", "k-home-1").toBuffer()),
        "event_apikey must be this gateway's Klevu API key");
    JsonObject numericPrice = view(null, null);
    item(numericPrice).put("price", 25.0);
    assertBadRequest(() -> parse(JSON, numericPrice.toBuffer()), "items[0].price must be a string");
    JsonObject oldVariant = view(null, null);
    item(oldVariant).put("item_variant", "39814").remove("item_variant_id");
    assertBadRequest(() -> parse(JSON, oldVariant.toBuffer()), "'item_variant'");
    JsonObject quantity = view(null, null);
    item(quantity).put("quantity", 1);
    assertBadRequest(() -> parse(JSON, quantity.toBuffer()), "'quantity'");
    JsonObject tags = view(null, null);
    tags.getJsonObject("event_data").put("tags", new JsonObject().put("recsPageType", "home"));
    assertBadRequest(() -> parse(JSON, tags.toBuffer()), "tags must be an array");
    JsonObject noGroup = view(null, null);
    item(noGroup).remove("item_group_id");
    assertBadRequest(() -> parse(JSON, noGroup.toBuffer()), "items[0].item_group_id is required");
    JsonObject noLogic = view(null, null);
    noLogic.getJsonObject("event_data").remove("list_logic");
    assertBadRequest(() -> parse(JSON, noLogic.toBuffer()), "list_logic is required");
    assertBadRequest(() -> parse(JSON, view(null, null).put("injected", "x").toBuffer()), "'injected'");
  }

  private static JsonObject item(JsonObject event) {
    return event.getJsonObject("event_data").getJsonArray("items").getJsonObject(0);
  }

  @Test
  void multipartBeaconReplayIsRefused() {
    String boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    Buffer multipart = Buffer.buffer("--" + boundary + "\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\n"
        + "[object Object]\r\n--" + boundary + "--\r\n");
    assertBadRequest(() -> parse("multipart/form-data; boundary=" + boundary, multipart), "sendBeacon");
    assertBadRequest(() -> parse(null, multipart), "sendBeacon");
    assertBadRequest(() -> parse("text/plain;charset=UTF-8", multipart), "sendBeacon");
    // refused on the content type alone, even when the body happens to be JSON
    assertBadRequest(() -> parse("Multipart/Form-Data; boundary=x", new JsonArray().add(view(null, null)).toBuffer()),
        "form-encoded");
  }

  @Test
  void urlencodedObjectObjectBodyIsRefused() {
    Buffer form = Buffer.buffer("0=[object Object]");
    assertBadRequest(() -> parse("application/x-www-form-urlencoded", form), "0=[object Object]");
    assertBadRequest(() -> parse(null, form), "form-encoded");
    assertBadRequest(() -> parse("text/plain", form), "form-encoded");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("0=%5Bobject%20Object%5D&1=%5Bobject%20Object%5D")),
        "form-encoded");
  }

  @Test
  void emptyOrNonJsonBodiesAreRefused() {
    assertBadRequest(() -> parse(JSON, null), "empty body");
    assertBadRequest(() -> parse(JSON, Buffer.buffer()), "empty body");
    assertBadRequest(() -> parse(JSON, Buffer.buffer(" \r\n\t")), "empty body");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("\"view_recs_list\"")), "JSON array");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("42")), "JSON array");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("-1")), "JSON array");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("null")), "JSON array");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("true")), "JSON array");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("[{\"event\":")), "not valid JSON");
    assertBadRequest(() -> parse(JSON, Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})), "JSON array");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("[]")), "no events");
    assertBadRequest(() -> parse(JSON, Buffer.buffer("[1,2]")), "[0] must be an object");
  }

  @Test
  void textPlainJsonIsAccepted() {
    assertThat(parse("text/plain;charset=UTF-8", new JsonArray().add(view("sessionId", "s")).toBuffer()))
        .hasSize(1);
  }

  @Test
  void atMostFiftyEvents() {
    JsonArray events = new JsonArray();
    for (int i = 0; i < 50; i++) {
      events.add(view("session_id", "s"));
    }
    assertThat(parse(JSON, events.toBuffer())).hasSize(50);
    events.add(view("session_id", "s"));
    assertBadRequest(() -> parse(JSON, events.toBuffer()), "too many events: 51");
  }

  @Test
  void eventNameVersionAndApiKeyAreChecked() {
    assertBadRequest(() -> parse(JSON, view(null, null).put("event", "search_products").toBuffer()),
        "[0].event must be view_recs_list, select_recs_list or order_purchase");
    assertBadRequest(() -> parse(JSON, view(null, null).put("event", 3).toBuffer()), "[0].event must be a string");
    JsonObject noName = view(null, null);
    noName.remove("event");
    assertBadRequest(() -> parse(JSON, noName.toBuffer()), "[0].event is required");
    JsonObject noKey = view(null, null);
    noKey.remove("event_apikey");
    assertBadRequest(() -> parse(JSON, new JsonArray().add(view(null, null)).add(noKey).toBuffer()),
        "[1].event_apikey must be");
    JsonObject noVersion = view(null, null);
    noVersion.remove("event_version");
    assertBadRequest(() -> parse(JSON, noVersion.toBuffer()), "event_version must be \"1.0.0\"");
  }

  @Test
  void aPurchaseAsKlevuEventsBuySendsItPassesOn() {
    JsonObject buy = new JsonObject().put("event", "order_purchase").put("event_version", "1.0.0")
        .put("event_apikey", KEY)
        .put("event_data", new JsonObject().put("items", new JsonArray().add(new JsonObject().put("currency", "USD")
            .put("item_group_id", "67466").put("item_id", "39814").put("item_name", "Lorem")
            .put("item_variant_id", "39814").put("unit_price", 25.0).put("units", 2))));
    assertThat(parse(JSON, buy.toBuffer())).containsExactly(buy);
    buy.getJsonObject("event_data").getJsonArray("items").getJsonObject(0).put("unit_price", "25.00");
    assertBadRequest(() -> parse(JSON, buy.toBuffer()), "numeric unit_price");
  }

  @Test
  void recsEventsNeedItemsOrABannerAndClicksExactlyOneItem() {
    JsonObject noData = view(null, null);
    noData.remove("event_data");
    assertBadRequest(() -> parse(JSON, noData.toBuffer()), "event_data is required");
    JsonObject noItems = view(null, null);
    noItems.getJsonObject("event_data").remove("items");
    assertBadRequest(() -> parse(JSON, noItems.toBuffer()), "event_data.items is required");
    JsonObject click = view(null, null).put("event", "select_recs_list");
    assertThat(parse(JSON, click.toBuffer())).hasSize(1);
    click.getJsonObject("event_data").getJsonArray("items").add(item(view(null, null)));
    assertBadRequest(() -> parse(JSON, click.toBuffer()), "exactly one item");
    JsonObject banner = view(null, null);
    banner.getJsonObject("event_data").put("action", "STATIC_CONTENT").remove("items");
    banner.getJsonObject("event_data").put("static_content", new JsonArray().add(new JsonObject()
        .put("resolution", "desktop").put("index", 1).put("banner_alt_tag", "Sale")
        .put("banner_image_url", "https://shop.example/b.jpg").put("content_type", "image")));
    assertThat(parse(JSON, banner.toBuffer())).containsExactly(banner);
    banner.getJsonObject("event_data").getJsonArray("static_content").getJsonObject(0).put("content_type", "video");
    assertBadRequest(() -> parse(JSON, banner.toBuffer()), "must be an image banner");
  }
}
