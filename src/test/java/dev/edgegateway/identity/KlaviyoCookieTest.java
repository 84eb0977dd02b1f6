package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.identity.KlaviyoCookie.Decoded;
import dev.edgegateway.identity.KlaviyoCookie.Failure;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KlaviyoCookieTest {
  static final String EXCHANGE_ID = "IDXL0vH3jMssE2B-AEqyLjyYhwK_yXcN4NuQxPBqgNE=.UsRnv6";
  static final String CID = "NjE1ZTY1YzMtYmM3Yi00YmVjLTkyNTktZDM2ODExNWIwN2Fk";

  static String fullJson() {
    return new JsonObject()
        .put("cid", CID)
        .put("$referrer", new JsonObject().put("ts", 1700000000).put("value", "https://shop.example/?a=b").put("first_page", "/"))
        .put("$last_referrer", new JsonObject().put("ts", 1700000100).put("value", "").put("first_page", "/p"))
        .put("$exchange_id", EXCHANGE_ID)
        .encode();
  }

  static String padded(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String unpadded(String json) {
    return Base64.getEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String urlSafe(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String urlEncoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A JSON whose base64 needs padding and contains both '+' and '/' (standard) or '-' and '_' (URL-safe). */
  static String awkwardJson() {
    // the '>' and '?' characters produce 62/63 sextets; the length forces '=' padding
    return new JsonObject().put("cid", CID).put("$exchange_id", EXCHANGE_ID).put("x", ">>>???~~~").encode();
  }

  private static void assertIdentified(Decoded decoded) {
    assertThat(decoded.failure()).isNull();
    assertThat(decoded.exchangeId()).isEqualTo(EXCHANGE_ID);
    assertThat(decoded.clientId()).isEqualTo(CID);
  }

  @Test
  void decodesEveryEncodingVariant() {
    for (String json : new String[] {fullJson(), awkwardJson()}) {
      String standard = padded(json);
      assertIdentified(KlaviyoCookie.decode(standard));
      assertIdentified(KlaviyoCookie.decode(unpadded(json)));
      assertIdentified(KlaviyoCookie.decode(urlSafe(json)));
      assertIdentified(KlaviyoCookie.decode(urlSafe(json) + "=="));
      assertIdentified(KlaviyoCookie.decode(urlEncoded(standard)));
      assertIdentified(KlaviyoCookie.decode(urlEncoded(urlEncoded(standard))));
      assertIdentified(KlaviyoCookie.decode("\"" + standard + "\""));
      assertIdentified(KlaviyoCookie.decode("  " + standard + " "));
    }
    String standard = padded(awkwardJson());
    assertThat(standard).contains("+").contains("/").endsWith("=");
    assertThat(urlSafe(awkwardJson())).contains("-").contains("_");
    // a form decoder on the way turned '+' into ' '
    assertIdentified(KlaviyoCookie.decode(standard.replace('+', ' ')));
  }

  @Test
  void cidOnlyIsAnonymousWithClientId() {
    Decoded decoded = KlaviyoCookie.decode(padded(new JsonObject().put("cid", CID)
        .put("$referrer", new JsonObject().put("ts", 1).put("value", "x").put("first_page", "/")).encode()));
    assertThat(decoded.failure()).isNull();
    assertThat(decoded.exchangeId()).isNull();
    assertThat(decoded.clientId()).isEqualTo(CID);
    assertThat(decoded.email()).isNull();
  }

  @Test
  void readsEmailOfOlderCookies() {
    Decoded decoded = KlaviyoCookie.decode(unpadded(new JsonObject().put("cid", CID).put("$email", " Ann@Example.com ").encode()));
    assertThat(decoded.email()).isEqualTo("Ann@Example.com");
    assertThat(KlaviyoCookie.decode(padded("{\"$email\":\"not-an-email\"}")).email()).isNull();
  }

  @Test
  void junkDecodesToNothingWithABoundedReason() {
    assertThat(KlaviyoCookie.decode(null)).isEqualTo(Decoded.EMPTY);
    assertThat(KlaviyoCookie.decode("")).isEqualTo(Decoded.EMPTY);
    assertThat(KlaviyoCookie.decode("%%%").failure()).isEqualTo(Failure.BAD_URL_ENCODING);
    assertThat(KlaviyoCookie.decode("%E9%80").failure()).isEqualTo(Failure.BAD_URL_ENCODING);
    assertThat(KlaviyoCookie.decode("A".repeat(5000)).failure()).isEqualTo(Failure.OVERSIZE);
    assertThat(KlaviyoCookie.decode("!!!!").failure()).isEqualTo(Failure.BAD_BASE64);
    assertThat(KlaviyoCookie.decode("QUJD=A").failure()).isEqualTo(Failure.BAD_BASE64);
    assertThat(KlaviyoCookie.decode("A").failure()).isEqualTo(Failure.BAD_BASE64);
    assertThat(KlaviyoCookie.decode(padded("hello world")).failure()).isEqualTo(Failure.NOT_JSON);
    assertThat(KlaviyoCookie.decode(padded("[\"" + EXCHANGE_ID + "\"]")).failure()).isEqualTo(Failure.NOT_OBJECT);
    assertThat(KlaviyoCookie.decode(padded("\"" + EXCHANGE_ID + "\"")).failure()).isEqualTo(Failure.NOT_OBJECT);
    assertThat(KlaviyoCookie.decode(padded("42")).failure()).isEqualTo(Failure.NOT_OBJECT);
    assertThat(KlaviyoCookie.decode(padded("{\"cid\": 12345}")).failure()).isEqualTo(Failure.BAD_TYPE);
    assertThat(KlaviyoCookie.decode(padded("{\"$exchange_id\": 1.5, \"cid\":\"" + CID + "\"}")))
        .isEqualTo(new Decoded(null, null, null, Failure.BAD_TYPE));
    assertThat(KlaviyoCookie.decode(padded("{\"$exchange_id\": {\"a\":\"" + EXCHANGE_ID + "\"}}")).failure())
        .isEqualTo(Failure.BAD_TYPE);
    assertThat(KlaviyoCookie.decode(padded("{\"cid\":\"" + CID + "\"} trailing")).failure()).isEqualTo(Failure.NOT_JSON);
    assertThat(KlaviyoCookie.decode(padded("{\"cid\":\"" + CID + "\"")).failure()).isEqualTo(Failure.NOT_JSON);
    assertThat(KlaviyoCookie.decode(padded("{}")).isEmpty()).isTrue();
    assertThat(KlaviyoCookie.decode(padded("{\"cid\":null}"))).isEqualTo(Decoded.EMPTY);
    // nested garbage deeper than anything klaviyo.js writes
    assertThat(KlaviyoCookie.decode(padded("{\"a\":" + "[".repeat(500) + "]".repeat(500) + "}")).failure())
        .isEqualTo(Failure.NOT_JSON);
    // control characters, raw or hidden behind percent-encoding or inside the JSON
    assertThat(KlaviyoCookie.decode(padded(fullJson()) + "\u0000").failure()).isEqualTo(Failure.CONTROL_CHARS);
    assertThat(KlaviyoCookie.decode("abc%00def").failure()).isEqualTo(Failure.CONTROL_CHARS);
    assertThat(KlaviyoCookie.decode(padded("{\"cid\":\"a\u0000b\"}")).failure()).isEqualTo(Failure.NOT_JSON);
    // unicode: outside base64, or inside the JSON where an id must not be
    assertThat(KlaviyoCookie.decode("éèà☃").failure()).isEqualTo(Failure.BAD_BASE64);
    Decoded unicode = KlaviyoCookie.decode(padded("{\"cid\":\"☃\",\"$exchange_id\":\"ÌDXL0vH3jMssE2B.UsRnv6\"}"));
    assertThat(unicode.exchangeId()).isNull();
    assertThat(unicode.clientId()).isNull();
    assertThat(unicode.failure()).isEqualTo(Failure.BAD_EXCHANGE_ID);
  }

  @Test
  void invalidExchangeIdKeepsTheClientId() {
    Decoded decoded = KlaviyoCookie.decode(padded(new JsonObject().put("cid", CID).put("$exchange_id", "nope").encode()));
    assertThat(decoded.exchangeId()).isNull();
    assertThat(decoded.clientId()).isEqualTo(CID);
    assertThat(decoded.failure()).isEqualTo(Failure.BAD_EXCHANGE_ID);
  }

  @Test
  void validatesExchangeIds() {
    assertThat(KlaviyoCookie.isValidExchangeId(EXCHANGE_ID)).isTrue();
    assertThat(KlaviyoCookie.isValidExchangeId("g9pu_92s.YcnpXd")).isTrue();
    assertThat(KlaviyoCookie.isValidExchangeId("abcdefgh.ABC123")).isTrue();
    assertThat(KlaviyoCookie.isValidExchangeId("abcdefg.ABC123")).isFalse(); // identifier too short
    assertThat(KlaviyoCookie.isValidExchangeId("a".repeat(256) + ".ABC123")).isTrue();
    assertThat(KlaviyoCookie.isValidExchangeId("a".repeat(257) + ".ABC123")).isFalse();
    assertThat(KlaviyoCookie.isValidExchangeId("abcdefgh.ABC12")).isFalse();
    assertThat(KlaviyoCookie.isValidExchangeId("abcdefgh.ABC1234")).isFalse();
    assertThat(KlaviyoCookie.isValidExchangeId("abcdefgh.ABC12_")).isFalse();
    assertThat(KlaviyoCookie.isValidExchangeId("abcd.efgh.ABC123")).isFalse();
    assertThat(KlaviyoCookie.isValidExchangeId("abcd efgh.ABC123")).isFalse();
    assertThat(KlaviyoCookie.isValidExchangeId("abcdefghABC123")).isFalse();
    assertThat(KlaviyoCookie.isValidExchangeId("")).isFalse();
    assertThat(KlaviyoCookie.isValidExchangeId(null)).isFalse();
  }

  @Test
  void readsKxParameters() {
    assertThat(KlaviyoCookie.exchangeIdFromKx(EXCHANGE_ID)).isEqualTo(EXCHANGE_ID);
    String withPlus = "ab+cd/ef+gh==.UsRnv6";
    assertThat(KlaviyoCookie.exchangeIdFromKx("ab cd/ef gh==.UsRnv6")).isEqualTo(withPlus);
    assertThat(KlaviyoCookie.exchangeIdFromKx(" " + EXCHANGE_ID + "\n")).isEqualTo(EXCHANGE_ID);
    assertThat(KlaviyoCookie.exchangeIdFromKx(urlEncoded(withPlus))).isEqualTo(withPlus);
    assertThat(KlaviyoCookie.exchangeIdFromKx(urlEncoded(urlEncoded(EXCHANGE_ID)))).isEqualTo(EXCHANGE_ID);
    assertThat(KlaviyoCookie.exchangeIdFromKx("%%%")).isNull();
    assertThat(KlaviyoCookie.exchangeIdFromKx("<script>")).isNull();
    assertThat(KlaviyoCookie.exchangeIdFromKx("")).isNull();
    assertThat(KlaviyoCookie.exchangeIdFromKx(null)).isNull();
    assertThat(KlaviyoCookie.exchangeIdFromKx("x".repeat(10_000))).isNull();
  }

  @Test
  void readsOptOut() {
    assertThat(KlaviyoCookie.isOptedOut("true")).isTrue();
    assertThat(KlaviyoCookie.isOptedOut("TRUE")).isTrue();
    assertThat(KlaviyoCookie.isOptedOut("\"true\"")).isTrue();
    assertThat(KlaviyoCookie.isOptedOut("false")).isFalse();
    assertThat(KlaviyoCookie.isOptedOut("")).isFalse();
    assertThat(KlaviyoCookie.isOptedOut(null)).isFalse();
    assertThat(KlaviyoCookie.isOptedOut("truex")).isFalse();
  }

  @Test
  void randomBytesNeverThrowAndNeverInventAnExchangeId() {
    Random random = new Random(20261123L);
    for (int i = 0; i < 4_000; i++) {
      byte[] bytes = new byte[random.nextInt(600)];
      random.nextBytes(bytes);
      String[] candidates = {
          new String(bytes, StandardCharsets.ISO_8859_1),
          new String(bytes, StandardCharsets.UTF_8),
          Base64.getEncoder().encodeToString(bytes),
          Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
          urlEncoded(Base64.getEncoder().encodeToString(bytes)),
      };
      for (String candidate : candidates) {
        Decoded decoded = KlaviyoCookie.decode(candidate);
        assertThat(decoded).isNotNull();
        assertThat(decoded.exchangeId()).isNull();
        assertThat(KlaviyoCookie.exchangeIdFromKx(candidate)).isNull();
        KlaviyoCookie.isOptedOut(candidate);
      }
    }
  }

  @Test
  void randomMutationsOfAValidCookieNeverThrow() {
    Random random = new Random(7L);
    String valid = padded(fullJson());
    for (int i = 0; i < 4_000; i++) {
      char[] chars = valid.toCharArray();
      for (int m = 1 + random.nextInt(4); m > 0; m--) {
        chars[random.nextInt(chars.length)] = (char) random.nextInt(256);
      }
      Decoded decoded = KlaviyoCookie.decode(new String(chars));
      assertThat(decoded).isNotNull();
      if (decoded.exchangeId() != null) {
        assertThat(KlaviyoCookie.isValidExchangeId(decoded.exchangeId())).isTrue();
      }
    }
  }
}
