package dev.edgegateway.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * The unverified structure of a storefront customer token (a compact JWS): enough to tell garbage
 * (BAD_REQUEST) from a well-formed token that may still fail verification (UNAUTHORIZED), and to read the
 * customer once {@code JWTAuth} has verified the signature. Nothing here is trusted before that.
 *
 * <p>Claims read: BigCommerce's current-customer JWT {@code customer: {id, email, group_id}}; only for a
 * token without a {@code customer} claim, top-level {@code sub} and {@code email}.
 */
record CustomerToken(String algorithm, JsonObject payload, String customerId, String email) {
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
      return new CustomerToken(alg, payload, customerId, validEmail(email));
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
