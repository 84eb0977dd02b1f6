package dev.edgegateway.loadtest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Synthetic identified shoppers: Klaviyo exchange ids of the real form {@code <IDENTIFIER>.<COMPANY_ID>}
 * (44-char base64 identifier, 6-char company id) and the {@code __kla_id} cookie klaviyo.js would write.
 * Ids are derived from a run id, so every run uses shoppers no cache has seen.
 */
public final class Shoppers {
  public static final String DEFAULT_COMPANY = "LdTst1";

  private final String runId;
  private final String company;

  public Shoppers(String runId, String company) {
    this.runId = runId;
    this.company = company;
  }

  public Shoppers(String runId) {
    this(runId, DEFAULT_COMPANY);
  }

  /** Exchange id of shopper {@code i} of this run. */
  public String exchangeId(int i) {
    return identifier("kx", i) + "." + company;
  }

  /** Klaviyo anonymous client id of shopper {@code i} (base64 of a UUID-like string). */
  public String cid(int i) {
    String hex = hex(sha256(runId + "/cid/" + i));
    String uuid = hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-a"
        + hex.substring(17, 20) + "-" + hex.substring(20, 32);
    return Base64.getEncoder().encodeToString(uuid.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code __kla_id} cookie value: base64 of {@code {"cid":..,"$exchange_id":..}}. */
  public String klaIdCookie(int i) {
    String json = "{\"cid\":\"" + cid(i) + "\",\"$referrer\":{\"ts\":1700000000,\"value\":\"\",\"first_page\":\"https://shop.example/\"},"
        + "\"$last_referrer\":{\"ts\":1700000000,\"value\":\"\",\"first_page\":\"https://shop.example/\"},"
        + "\"$exchange_id\":\"" + exchangeId(i) + "\"}";
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code Cookie} header value for shopper {@code i}. */
  public String cookieHeader(int i) {
    return "__kla_id=" + klaIdCookie(i);
  }

  private String identifier(String kind, int i) {
    return Base64.getEncoder().encodeToString(sha256(runId + "/" + kind + "/" + i));
  }

  /** A run id that is unique enough for one machine: time + random. */
  public static String newRunId() {
    return Long.toString(System.currentTimeMillis(), 36) + Long.toString(new SplittableRandom().nextLong() & 0xffffffL, 36);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    StringBuilder out = new StringBuilder(b.length * 2);
    for (byte x : b) {
      out.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return out.toString();
  }
}
