package dev.edgegateway.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;

/**
 * The unverified structure of a storefront customer token (a compact JWS): enough to tell garbage
 * (BAD_REQUEST) from a well-formed token that may still fail verification (UNAUTHORIZED), and to read the
 * customer once {@code JWTAuth} has verified the signature. Nothing here is trusted before that.
 *
 * <p>Claims read: BigCommerce's current-customer JWT {@code customer: {id, email, group_id}}; only for a
 * token without a {@code customer} claim, top-level {@code sub} and {@code email}.
 */
record CustomerToken(String algorithm, boolean critical, JsonObject payload, String customerId, String email) {
  /** Longest token accepted (the HTTP layer enforces the same bound). */
  static final int MAX_LENGTH = 8_192;
  static final int MAX_CUSTOMER_ID_LENGTH = 128;

  /** The token's structure, or null when it is not a JWS with JSON header and payload objects. */
  static CustomerToken parse(String token) {
    if (token == null || token.isBlank() || token.length() > MAX_LENGTH) {
      return null;
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || second == first + 1 || token.indexOf('.', second + 1) >= 0) {
      return null;
    }
    try {
      JsonObject header = json(token.substring(0, first));
      JsonObject payload = json(token.substring(first + 1, second));
      if (header == null || payload == null || !(header.getValue("alg") instanceof String alg)) {
        return null;
      }
      String customerId = null;
      String email = null;
      if (payload.containsKey("customer")) {
        // BigCommerce: the customer is only ever read from here; its top-level sub is the store hash,
        // shared by every customer of the store, so it must never stand in for a missing customer id
        if (payload.getValue("customer") instanceof JsonObject customer) {
          customerId = idOf(customer.getValue("id"));
          email = customer.getValue("email") instanceof String e ? e : null;
        }
      } else {
        customerId = idOf(payload.getValue("sub"));
        email = payload.getValue("email") instanceof String e ? e : null;
      }
      // crit lists extensions the verifier must understand (RFC 7515 4.1.11): this one understands none
      return new CustomerToken(alg, header.containsKey("crit"), payload, customerId, validEmail(email));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static JsonObject json(String part) {
    byte[] bytes = Base64.getUrlDecoder().decode(part);
    Object value = Buffer.buffer(bytes).toJsonValue();
    return value instanceof JsonObject object ? object : null;
  }

  private static String idOf(Object value) {
    String id;
    if (value instanceof String s) {
      id = s.trim();
    } else if (value instanceof Integer || value instanceof Long) {
      id = value.toString();
    } else {
      return null;
    }
    if (id.isEmpty() || id.length() > MAX_CUSTOMER_ID_LENGTH) {
      return null;
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return null;
      }
    }
    return id;
  }

  private static String validEmail(String email) {
    if (email == null) {
      return null;
    }
    String trimmed = email.trim();
    int at = trimmed.indexOf('@');
    if (at <= 0 || at == trimmed.length() - 1 || trimmed.length() > KlaviyoCookie.MAX_EMAIL_LENGTH) {
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
   * The first registered claim whose JSON type is wrong ({@code exp} as a string, say), or null: such a token is
   * malformed (400), not something for the verifier to trip over.
   */
  String mistypedClaim() {
    for (String time : List.of("exp", "nbf", "iat")) {
      if (payload.containsKey(time) && !(payload.getValue(time) instanceof Number)) {
        return time;
      }
    }
    if (payload.containsKey("iss") && !(payload.getValue("iss") instanceof String)) {
      return "iss";
    }
    Object aud = payload.getValue("aud");
    if (payload.containsKey("aud") && !(aud instanceof String
        || aud instanceof JsonArray array && array.stream().allMatch(String.class::isInstance))) {
      return "aud";
    }
    Object sub = payload.getValue("sub");
    if (payload.containsKey("sub") && !(sub instanceof String || sub instanceof Number)) {
      return "sub";
    }
    return null;
  }

  /** Whether the token's {@code exp} lies further than {@code maxLifetimeSeconds} (plus leeway) after now. */
  boolean outlives(long nowSeconds, long maxLifetimeSeconds, long leewaySeconds) {
    return payload.getValue("exp") instanceof Number exp
        && exp.doubleValue() - nowSeconds > maxLifetimeSeconds + leewaySeconds;
  }

  /** Whether the verified payload carries an expiry ({@code JWTAuth} checks its value, not its presence). */
  boolean hasExpiry() {
    return payload.getValue("exp") instanceof Number;
  }

  boolean issuerMatches(String issuer) {
    return issuer.isEmpty() || issuer.equals(payload.getValue("iss"));
  }

  boolean audienceMatches(String audience) {
    if (audience.isEmpty()) {
      return true;
    }
    Object aud = payload.getValue("aud");
    if (aud instanceof String s) {
      return s.equals(audience);
    }
    return aud instanceof JsonArray array && array.contains(audience);
  }

  @Override
  public String toString() {
    return "CustomerToken[redacted]";
  }
}
