package dev.edgegateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stable keyed hash of a shopper identifier: what an exchange id, an email or a customer id becomes
 * wherever it would otherwise appear in clear (cache keys, log fields). HMAC-SHA256 keyed with a pepper,
 * truncated to {@value #HASH_BYTES} bytes and written as unpadded base64url ({@value #HASH_CHARS} chars).
 *
 * <p>Each kind of identifier is hashed in its own domain, so an email and a customer id that happen to be
 * the same string do not collide. Gateways that share one Redis must use the same pepper; the default is a
 * fixed project constant so that they agree out of the box. One {@link Mac} is cached per thread.
 */
public final class ShopperHash {
  /** The pepper used when {@code identity.hashPepper} is not set. Public by design: see the class doc. */
  public static final String DEFAULT_PEPPER = "edge-gateway-v1";
  /** Bytes of the HMAC kept (128 bits: collisions are not a concern at any realistic shopper count). */
  public static final int HASH_BYTES = 16;
  public static final int HASH_CHARS = 22;

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ShopperHash DEFAULT = new ShopperHash(DEFAULT_PEPPER);

  private final ThreadLocal<Mac> macs;

  public ShopperHash(String pepper) {
    String effective = pepper == null || pepper.isEmpty() ? DEFAULT_PEPPER : pepper;
    SecretKeySpec key = new SecretKeySpec(effective.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    newMac(key); // fail at construction, not on the first request
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /** The instance keyed with {@link #DEFAULT_PEPPER}. */
  public static ShopperHash defaultInstance() {
    return DEFAULT;
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Hash of a Klaviyo exchange id (case-sensitive, as it is); null for null. */
  public String exchangeId(String exchangeId) {
    return exchangeId == null ? null : hash('x', exchangeId);
  }

  /** Hash of an email, trimmed and lower-cased first so that spellings of one address agree; null for null. */
  public String email(String email) {
    return email == null ? null : hash('e', email.trim().toLowerCase(Locale.ROOT));
  }

  /** Hash of a storefront customer id (trimmed); null for null. */
  public String customerId(String customerId) {
    return customerId == null ? null : hash('c', customerId.trim());
  }

  /** Hash of any other identifier (a Klaviyo profile id, a client id); null for null. */
  public String other(String value) {
    return value == null ? null : hash('o', value);
  }

  private String hash(char domain, String value) {
    Mac mac = macs.get();
    mac.update((byte) domain);
    mac.update((byte) ':');
    byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    byte[] truncated = new byte[HASH_BYTES];
    System.arraycopy(digest, 0, truncated, 0, HASH_BYTES);
    return BASE64URL.encodeToString(truncated);
  }

  @Override
  public String toString() {
    return "ShopperHash[pepper=redacted]";
  }
}
