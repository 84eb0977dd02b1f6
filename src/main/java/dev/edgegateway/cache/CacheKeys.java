package dev.edgegateway.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Bounded, opaque cache keys: a namespace plus a digest of the parts, so hostile query strings cannot grow
 * keys and nothing in a key can be read back. (Shopper identifiers are hashed with a pepper before they get
 * here; see the identity package.)
 */
public final class CacheKeys {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private CacheKeys() {
  }

  /** {@code namespace + ":" + base64url(sha256(parts joined by NUL))[0..22]}. Null parts count as empty. */
  public static String digest(String namespace, String... parts) {
    MessageDigest sha = SHA256.get();
    sha.reset();
    for (String part : parts) {
      if (part != null) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
      }
      sha.update((byte) 0);
    }
    byte[] digest = sha.digest();
    return namespace + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
  }
}
