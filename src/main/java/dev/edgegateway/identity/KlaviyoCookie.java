package dev.edgegateway.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Locale;

/**
 * Decoding of Klaviyo's browser identity: the {@code __kla_id} cookie (base64 of a JSON object), the
 * {@code _kx} link parameter and the {@code __kla_off} opt-out cookie.
 *
 * <p>Everything here is pure, static and total: any input, however hostile, decodes to a {@link Decoded}
 * (at worst {@link Decoded#EMPTY} with a {@link Failure} reason) and never throws. It runs on every page
 * load, so it avoids regular expressions and object trees: {@code CookieEncodings} peels off the transport
 * encodings, and a streaming JSON parser materialises only the three strings it keeps.
 */
public final class KlaviyoCookie {
  /** Longest raw cookie or parameter value looked at; anything longer is refused unread. */
  public static final int MAX_LENGTH = 4096;
  /** Longest accepted {@code cid}. */
  public static final int MAX_CLIENT_ID_LENGTH = 128;
  /** Longest accepted {@code $email} (RFC 5321 path limit). */
  public static final int MAX_EMAIL_LENGTH = 254;
  /** Bounds of the identifier part of an exchange id. */
  public static final int MIN_IDENTIFIER_LENGTH = 8;
  public static final int MAX_IDENTIFIER_LENGTH = 256;
  /** Length of the company (public site) id part of an exchange id. */
  public static final int COMPANY_ID_LENGTH = 6;
  /** How many layers of percent-encoding are peeled off (browsers and frameworks double-encode). */
  static final int MAX_URL_DECODE_ROUNDS = 2;

  private static final int MAX_JSON_DEPTH = 16;
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_JSON_DEPTH)
          .maxStringLength(MAX_LENGTH)
          .maxNumberLength(64)
          .build())
      .build();

  /** Characters allowed in the identifier of an exchange id and in a client id. */
  private static final boolean[] ID_CHARS = new boolean[128];

  static {
    for (int c = 0; c < 128; c++) {
      ID_CHARS[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
    }
  }

  private KlaviyoCookie() {
  }

  /** Why a value did not decode: a bounded set, used as a metric tag. */
  public enum Failure {
    /** Longer than {@link #MAX_LENGTH}. */
    OVERSIZE,
    /** A control character (or NUL) in the value. */
    CONTROL_CHARS,
    /** A broken percent-escape, or percent-decoding that does not yield UTF-8. */
    BAD_URL_ENCODING,
    /** Not base64 in either alphabet. */
    BAD_BASE64,
    /** The decoded bytes are not JSON. */
    NOT_JSON,
    /** JSON, but not an object. */
    NOT_OBJECT,
    /** A known key holds something other than a string. */
    BAD_TYPE,
    /** {@code $exchange_id} or {@code _kx} present but not of the exchange-id form. */
    BAD_EXCHANGE_ID;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
      return tag;
    }
  }

  /**
   * What a {@code __kla_id} cookie says. {@code exchangeId} and {@code email} are shopper data in clear:
   * never log them. {@code failure} is null when the value decoded (possibly to nothing), or why it did not.
   */
  public record Decoded(String exchangeId, String clientId, String email, Failure failure) {
    /** Nothing known: absent or undecodable cookie. */
    public static final Decoded EMPTY = new Decoded(null, null, null, null);

    static Decoded failed(Failure failure) {
      return new Decoded(null, null, null, failure);
    }

    public boolean isEmpty() {
      return exchangeId == null && clientId == null && email == null;
    }

    @Override
    public String toString() {
      return "Decoded[exchangeId=" + (exchangeId != null) + ", clientId=" + (clientId != null)
          + ", email=" + (email != null) + ", failure=" + failure + "]";
    }
  }

  /** Decodes a raw {@code __kla_id} value (as the HTTP layer read it from the Cookie header). Never throws. */
  public static Decoded decode(String raw) {
    try {
      return decodeUnchecked(raw);
    } catch (RuntimeException | StackOverflowError e) {
      return Decoded.failed(Failure.NOT_JSON);
    }
  }

  private static Decoded decodeUnchecked(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Decoded.EMPTY;
    }
    if (raw.length() > MAX_LENGTH) {
      return Decoded.failed(Failure.OVERSIZE);
    }
    String value = CookieEncodings.unwrap(raw);
    if (value == null) {
      return Decoded.failed(Failure.CONTROL_CHARS);
    }
    for (int round = 0; round < MAX_URL_DECODE_ROUNDS && value.indexOf('%') >= 0; round++) {
      value = CookieEncodings.percentDecode(value);
      if (value == null) {
        return Decoded.failed(Failure.BAD_URL_ENCODING);
      }
      value = CookieEncodings.unwrap(value);
      if (value == null) {
        return Decoded.failed(Failure.CONTROL_CHARS);
      }
    }
    if (value.isEmpty()) {
      return Decoded.EMPTY;
    }
    byte[] json = CookieEncodings.base64Decode(value);
    if (json == null) {
      return Decoded.failed(Failure.BAD_BASE64);
    }
    return parse(json);
  }

  private static Decoded parse(byte[] json) {
    // cheap pre-check so that junk (the common failure) never reaches the parser's exception path
    int first = 0;
    while (first < json.length && (json[first] == ' ' || json[first] == '\t' || json[first] == '\n' || json[first] == '\r')) {
      first++;
    }
    if (first == json.length) {
      return Decoded.failed(Failure.NOT_JSON);
    }
    byte lead = json[first];
    if (lead != '{') {
      boolean scalarOrArray = lead == '[' || lead == '"' || lead == '-' || (lead >= '0' && lead <= '9')
          || lead == 't' || lead == 'f' || lead == 'n';
      if (!scalarOrArray) {
        return Decoded.failed(Failure.NOT_JSON);
      }
    }
    String exchangeId = null;
    String clientId = null;
    String email = null;
    boolean badExchangeId = false;
    try (JsonParser parser = JSON.createParser(json)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return Decoded.failed(Failure.NOT_JSON);
      }
      if (token != JsonToken.START_OBJECT) {
        // scalars and arrays are JSON, but not a cookie
        return Decoded.failed(Failure.NOT_OBJECT);
      }
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken valueToken = parser.nextToken();
        switch (name) {
          case "$exchange_id", "cid", "$email" -> {
            if (valueToken == JsonToken.VALUE_NULL) {
              continue;
            }
            if (valueToken != JsonToken.VALUE_STRING) {
              return Decoded.failed(Failure.BAD_TYPE);
            }
            String text = parser.getText();
            if (name.equals("$exchange_id")) {
              if (isValidExchangeId(text)) {
                exchangeId = text;
              } else if (!text.isEmpty()) {
                badExchangeId = true;
              }
            } else if (name.equals("cid")) {
              clientId = validClientId(text);
            } else {
              email = validEmail(text);
            }
          }
          default -> parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT) {
        return Decoded.failed(Failure.NOT_JSON);
      }
      if (parser.nextToken() != null) {
        return Decoded.failed(Failure.NOT_JSON); // trailing content after the object
      }
    } catch (IOException | RuntimeException e) {
      return Decoded.failed(Failure.NOT_JSON);
    }
    Failure failure = badExchangeId ? Failure.BAD_EXCHANGE_ID : null;
    if (exchangeId == null && clientId == null && email == null) {
      return failure == null ? Decoded.EMPTY : Decoded.failed(failure);
    }
    return new Decoded(exchangeId, clientId, email, failure);
  }

  private static String validClientId(String cid) {
    int len = cid.length();
    if (len == 0 || len > MAX_CLIENT_ID_LENGTH) {
      return null;
    }
    for (int i = 0; i < len; i++) {
      char c = cid.charAt(i);
      if (c >= 128 || !(ID_CHARS[c] || c == '.')) {
        return null;
      }
    }
    return cid;
  }

  private static String validEmail(String email) {
    String trimmed = email.trim();
    int at = trimmed.indexOf('@');
    if (at <= 0 || at == trimmed.length() - 1 || trimmed.length() > MAX_EMAIL_LENGTH) {
      return null;
    }
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        return null;
      }
    }
    return trimmed;
  }

  /**
   * Whether {@code value} has the exchange-id form {@code <IDENTIFIER>.<COMPANY_ID>}: an identifier of
   * 8 to 256 base64-ish characters ({@code [A-Za-z0-9+/=_-]}), a dot, and exactly 6 alphanumerics.
   */
  public static boolean isValidExchangeId(String value) {
    if (value == null) {
      return false;
    }
    int len = value.length();
    int dot = len - COMPANY_ID_LENGTH - 1;
    if (dot < MIN_IDENTIFIER_LENGTH || dot > MAX_IDENTIFIER_LENGTH || value.charAt(dot) != '.') {
      return false;
    }
    for (int i = 0; i < dot; i++) {
      char c = value.charAt(i);
      if (c >= 128 || !ID_CHARS[c]) {
        return false;
      }
    }
    for (int i = dot + 1; i < len; i++) {
      char c = value.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The exchange id carried by a {@code _kx} parameter, or null. The router hands over the URL-decoded
   * value; a {@code +} that form decoding turned into a space is put back, surrounding whitespace is
   * trimmed, and a value still percent-encoded (double-encoded links) is decoded once more.
   */
  public static String exchangeIdFromKx(String kx) {
    if (kx == null || kx.isEmpty() || kx.length() > MAX_LENGTH) {
      return null;
    }
    String value = kx.strip();
    for (int round = 0; round < MAX_URL_DECODE_ROUNDS && value.indexOf('%') >= 0; round++) {
      value = CookieEncodings.percentDecode(value);
      if (value == null) {
        return null;
      }
    }
    value = value.strip().replace(' ', '+');
    return isValidExchangeId(value) ? value : null;
  }

  /** Whether the {@code __kla_off} cookie says the shopper opted out of tracking (value {@code true}). */
  public static boolean isOptedOut(String klaOff) {
    if (klaOff == null || klaOff.isEmpty() || klaOff.length() > 64) {
      return false;
    }
    String value = klaOff.strip();
    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
      value = value.substring(1, value.length() - 1);
    }
    return value.equalsIgnoreCase("true");
  }
}
