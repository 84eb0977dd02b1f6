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

  private static JsonObject view(String sessionKey, String session) {
    JsonObject profile = new JsonObject();
    if (sessionKey != null) {
      profile.put(sessionKey, session);
    }
    return new JsonObject().put("event", "view_recs_list").put("event_version", "1.0.0")
        .put("event_apikey", "klevu-164270249063714699").put("user_profile", profile)
        .put("event_data", new JsonObject().put("list_id", "k-1").put("tags", new JsonObject().put("recsPageType", "home"))
            .put("items", new JsonArray().add(new JsonObject().put("item_id", "39814").put("index", 1).put("price", 25.0))));
  }

  private static void assertBadRequest(ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOf(OutcomeException.class)
        .satisfies(t -> assertThat(((OutcomeException) t).outcome()).isEqualTo(Outcome.BAD_REQUEST))
        .hasMessageContaining(messagePart);
  }

  @Test
  void arrayOfEventsIsAcceptedAsSent() {
    JsonArray body = new JsonArray().add(view("session_id", "s-1")).add(view("session_id", "s-2"));
    List<JsonObject> out = KlevuCollect.parse(JSON, body.toBuffer());
    assertThat(out).containsExactly(view("session_id", "s-1"), view("session_id", "s-2"));
  }

  @Test
  void singleObjectIsWrapped() {
    List<JsonObject> out = KlevuCollect.parse(JSON, view("session_id", "s-1").toBuffer());
    assertThat(out).containsExactly(view("session_id", "s-1"));
  }

  @Test
  void sessionIdSpellingsAreNormalised() {
    JsonObject camel = KlevuCollect.parse(JSON, view("sessionId", "s-9").toBuffer()).get(0);
    assertThat(camel.getJsonObject("user_profile")).isEqualTo(new JsonObject().put("session_id", "s-9"));
    JsonObject both = view("session_id", "snake");
    both.getJsonObject("user_profile").put("sessionId", "camel").put("email", "x@example.com");
    assertThat(KlevuCollect.parse(JSON, both.toBuffer()).get(0).getJsonObject("user_profile"))
        .isEqualTo(new JsonObject().put("session_id", "snake"));
    JsonObject none = view(null, null);
    assertThat(KlevuCollect.parse(JSON, none.toBuffer()).get(0).getJsonObject("user_profile")).isEmpty();
    assertBadRequest(() -> KlevuCollect.parse(JSON, view("sessionId", "s".repeat(129)).toBuffer()), "longer than 128");
    assertBadRequest(() -> KlevuCollect.parse(JSON, view(null, null).put("user_profile", "x").toBuffer()),
        "[0].user_profile must be an object");
    JsonObject numeric = view(null, null);
    numeric.getJsonObject("user_profile").put("sessionId", 5);
    assertBadRequest(() -> KlevuCollect.parse(JSON, numeric.toBuffer()), "sessionId must be a string");
  }

  @Test
  void multipartBeaconReplayIsRefused() {
    String boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    Buffer multipart = Buffer.buffer("--" + boundary + "\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\n"
        + "[object Object]\r\n--" + boundary + "--\r\n");
    assertBadRequest(() -> KlevuCollect.parse("multipart/form-data; boundary=" + boundary, multipart), "sendBeacon");
    assertBadRequest(() -> KlevuCollect.parse(null, multipart), "sendBeacon");
    assertBadRequest(() -> KlevuCollect.parse("text/plain;charset=UTF-8", multipart), "sendBeacon");
    // refused on the content type alone, even when the body happens to be JSON
    assertBadRequest(() -> KlevuCollect.parse("Multipart/Form-Data; boundary=x", new JsonArray().add(view(null, null)).toBuffer()),
        "form-encoded");
  }

  @Test
  void urlencodedObjectObjectBodyIsRefused() {
    Buffer form = Buffer.buffer("0=[object Object]");
    assertBadRequest(() -> KlevuCollect.parse("application/x-www-form-urlencoded", form), "0=[object Object]");
    assertBadRequest(() -> KlevuCollect.parse(null, form), "form-encoded");
    assertBadRequest(() -> KlevuCollect.parse("text/plain", form), "form-encoded");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("0=%5Bobject%20Object%5D&1=%5Bobject%20Object%5D")),
        "form-encoded");
  }

  @Test
  void emptyOrNonJsonBodiesAreRefused() {
    assertBadRequest(() -> KlevuCollect.parse(JSON, null), "empty body");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer()), "empty body");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer(" \r\n\t")), "empty body");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("\"view_recs_list\"")), "JSON array");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("42")), "JSON array");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("-1")), "JSON array");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("null")), "JSON array");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("true")), "JSON array");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("[{\"event\":")), "not valid JSON");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})), "JSON array");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("[]")), "no events");
    assertBadRequest(() -> KlevuCollect.parse(JSON, Buffer.buffer("[1,2]")), "[0] must be an object");
  }

  @Test
  void textPlainJsonIsAccepted() {
    assertThat(KlevuCollect.parse("text/plain;charset=UTF-8", new JsonArray().add(view("sessionId", "s")).toBuffer()))
        .hasSize(1);
  }

  @Test
  void atMostFiftyEvents() {
    JsonArray events = new JsonArray();
    for (int i = 0; i < 50; i++) {
      events.add(view("session_id", "s"));
    }
    assertThat(KlevuCollect.parse(JSON, events.toBuffer())).hasSize(50);
    events.add(view("session_id", "s"));
    assertBadRequest(() -> KlevuCollect.parse(JSON, events.toBuffer()), "too many events: 51");
  }

  @Test
  void eventNameAndApiKeyAreChecked() {
    assertBadRequest(() -> KlevuCollect.parse(JSON, view(null, null).put("event", "View_Recs").toBuffer()), "[0].event must match");
    assertBadRequest(() -> KlevuCollect.parse(JSON, view(null, null).put("event", "x".repeat(65)).toBuffer()), "[0].event must match");
    assertBadRequest(() -> KlevuCollect.parse(JSON, view(null, null).put("event", 3).toBuffer()), "[0].event must be a string");
    JsonObject noName = view(null, null);
    noName.remove("event");
    assertBadRequest(() -> KlevuCollect.parse(JSON, noName.toBuffer()), "[0].event is required");
    JsonObject noKey = view(null, null);
    noKey.remove("event_apikey");
    assertBadRequest(() -> KlevuCollect.parse(JSON, new JsonArray().add(view(null, null)).add(noKey).toBuffer()),
        "[1].event_apikey is required");
    assertBadRequest(() -> KlevuCollect.parse(JSON, view(null, null).put("event_apikey", "a b").toBuffer()), "event_apikey must match");
  }

  @Test
  void otherKlevuEventsPassThroughButUnknownTopLevelFieldsAreDropped() {
    JsonObject custom = new JsonObject().put("event", "search_products").put("event_apikey", "klevu-1")
        .put("event_data", new JsonObject().put("term", "shoes")).put("injected", "x")
        .put("user_profile", new JsonObject().put("sessionId", "s"));
    JsonObject out = KlevuCollect.parse(JSON, custom.toBuffer()).get(0);
    assertThat(out).isEqualTo(new JsonObject().put("event", "search_products").put("event_apikey", "klevu-1")
        .put("user_profile", new JsonObject().put("session_id", "s"))
        .put("event_data", new JsonObject().put("term", "shoes")));
  }

  @Test
  void recsEventsNeedItemsAndClicksExactlyOne() {
    JsonObject noData = view(null, null);
    noData.remove("event_data");
    assertBadRequest(() -> KlevuCollect.parse(JSON, noData.toBuffer()), "event_data is required");
    JsonObject noItems = view(null, null);
    noItems.getJsonObject("event_data").remove("items");
    assertBadRequest(() -> KlevuCollect.parse(JSON, noItems.toBuffer()), "event_data.items is required");
    JsonObject click = view(null, null).put("event", "select_recs_list");
    assertThat(KlevuCollect.parse(JSON, click.toBuffer())).hasSize(1);
    click.getJsonObject("event_data").getJsonArray("items").add(new JsonObject().put("item_id", "2"));
    assertBadRequest(() -> KlevuCollect.parse(JSON, click.toBuffer()), "exactly one item");
    JsonObject noVersion = view(null, null);
    noVersion.remove("event_version");
    assertThat(KlevuCollect.parse(JSON, noVersion.toBuffer()).get(0).getString("event_version")).isEqualTo("1.0.0");
  }
}
