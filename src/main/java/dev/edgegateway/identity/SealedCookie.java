package dev.edgegateway.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own sealed identity values: {@code {exchangeId, issuedAtSeconds}} encrypted and
 * authenticated with AES-256-GCM, written as unpadded base64url. Used for the {@code edge_id} cookie and,
 * with another purpose, for the values of customer links in the cache, so the exchange id is never stored
 * or sent in clear.
 *
 * <p>Layout before base64url: version byte {@code 1}, 12-byte random nonce, then the ciphertext of
 * (8-byte big-endian issued-at seconds, UTF-8 exchange id) with its 16-byte tag. The purpose (and an
 * optional context such as the link key) is bound as associated data, so a value sealed for one use does
 * not open for another. Opening never throws: tampered, truncated, expired, future-dated or foreign values
 * (sealed under another key) open to {@link Optional#empty()}.
 */
public final class SealedCookie {
  /** Name of the gateway's identity cookie. */
  public static final String COOKIE_NAME = "edge_id";
  /** Purpose of {@code edge_id} cookie values. */
  public static final String PURPOSE_COOKIE = "edge_id/v1";
  /** Purpose of link values stored in the cache. */
  public static final String PURPOSE_LINK = "idlink/v1";
  /** Tolerated clock skew between gateways for values issued "in the future". */
  public static final long MAX_FUTURE_SKEW_SECONDS = 300;
  /** Longest value opened; a sealed exchange id of maximal length is well under it. */
  public static final int MAX_SEALED_LENGTH = 512;

  static final String RANDOM_KEY_WARNING =
      "cookie secret not set; sealed cookies will not survive a restart or be shared across gateways";

  private static final Logger LOG = LoggerFactory.getLogger(SealedCookie.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * Nonces come from a generator per thread: no lock shared by the event loops on the page path. DRBG runs in
   * process once seeded; the default NativePRNG reads /dev/urandom on every call, a system call per new cookie.
   */
  private static final ThreadLocal<SecureRandom> NONCES = ThreadLocal.withInitial(SealedCookie::nonceSource);
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int TAG_BYTES = TAG_BITS / 8;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(SealedCookie::newCipher);

  /** The first seals; every one opens (the others are the secrets being rotated out). */
  private final List<SecretKeySpec> keys;
  private final SecretKeySpec key;
  private final byte[] purpose;
  private final long maxAgeSeconds;
  private final LongSupplier nowSeconds;

  /** What a sealed value holds. {@code exchangeId} is shopper data in clear: never log it. */
  public record Contents(String exchangeId, long issuedAtSeconds) {
    @Override
    public String toString() {
      return "Contents[issuedAtSeconds=" + issuedAtSeconds + "]";
    }
  }

  /**
   * @param key32 the 32-byte AES key
   * @param purpose what the values are for (bound as associated data)
   * @param maxAgeSeconds values issued longer ago than this open to empty
   * @param nowSeconds the wall clock in epoch seconds (a parameter for tests)
   */
  public SealedCookie(byte[] key32, String purpose, long maxAgeSeconds, LongSupplier nowSeconds) {
    this(List.of(key32), purpose, maxAgeSeconds, nowSeconds);
  }

  /**
   * @param keys32 32-byte AES keys: the first seals, all of them open (a secret rotation: new first, old after)
   */
  public SealedCookie(List<byte[]> keys32, String purpose, long maxAgeSeconds, LongSupplier nowSeconds) {
    if (keys32.isEmpty() || keys32.stream().anyMatch(k -> k == null || k.length != 32)) {
      throw new IllegalArgumentException("AES-256 needs 32-byte keys");
    }
    if (maxAgeSeconds <= 0) {
      throw new IllegalArgumentException("maxAgeSeconds must be positive");
    }
    this.keys = keys32.stream().map(k -> new SecretKeySpec(k.clone(), "AES")).toList();
    this.key = keys.get(0);
    this.purpose = purpose.getBytes(StandardCharsets.UTF_8);
    this.maxAgeSeconds = maxAgeSeconds;
    this.nowSeconds = nowSeconds;
  }

  /**
   * A sealer keyed from a configured secret. An empty secret gets a random key for this process only,
   * and a one-time WARN saying so.
   */
  public static SealedCookie fromSecret(String secret, String purpose, long maxAgeSeconds) {
    return new SealedCookie(deriveKeys(secret), purpose, maxAgeSeconds, () -> System.currentTimeMillis() / 1000);
  }

  /**
   * The keys of a configured secret list ({@link #secrets}): the first seals, all open. Empty: one random key.
   */
  public static List<byte[]> deriveKeys(String secretList) {
    List<String> secrets = secrets(secretList);
    return secrets.isEmpty() ? List.of(deriveKey("")) : secrets.stream().map(SealedCookie::deriveKey).toList();
  }

  /**
   * The secrets of a configured value: separated by commas or line breaks (a mounted file may hold one a line),
   * each trimmed, empty ones dropped. For a rotation, put the new secret first and keep the old one after it for as
   * long as its cookies live ({@code EDGE_COOKIE_MAX_AGE_DAYS}).
   */
  public static List<String> secrets(String secretList) {
    if (secretList == null) {
      return List.of();
    }
    return Arrays.stream(secretList.split("[,\\r\\n]+")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * The 32-byte key for a secret: HMAC-SHA256 of a fixed label keyed with the secret, so any secret length
   * works and the key is not the secret itself. An empty or null secret gives a random key (and the WARN).
   */
  public static byte[] deriveKey(String secret) {
    if (secret == null || secret.isEmpty()) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn(RANDOM_KEY_WARNING);
      }
      return RandomKey.KEY.clone();
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal("dev.edgegateway/sealed-cookie/aes-256-gcm".getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** One random key per process, so all verticle instances of a process agree with each other. */
  private static final class RandomKey {
    static final byte[] KEY = new byte[32];

    static {
      RANDOM.nextBytes(KEY);
    }
  }

  private static SecureRandom nonceSource() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM unavailable", e);
    }
  }

  public long maxAgeSeconds() {
    return maxAgeSeconds;
  }

  /** Seals an exchange id, issued now. */
  public String seal(String exchangeId) {
    return seal(exchangeId, null, nowSeconds.getAsLong());
  }

  /** Seals an exchange id, issued now, and says what the value holds. */
  public Sealed sealNow(String exchangeId) {
    long issuedAt = nowSeconds.getAsLong();
    return new Sealed(seal(exchangeId, null, issuedAt), new Contents(exchangeId, issuedAt));
  }

  /** A sealed value and what it holds. */
  public record Sealed(String value, Contents contents) {
  }

  /** Seals an exchange id bound to {@code context} (e.g. the cache key it is stored under). */
  public String seal(String exchangeId, String context) {
    return seal(exchangeId, context, nowSeconds.getAsLong());
  }

  String seal(String exchangeId, String context, long issuedAtSeconds) {
    byte[] id = exchangeId.getBytes(StandardCharsets.UTF_8);
    byte[] nonce = new byte[NONCE_BYTES];
    NONCES.get().nextBytes(nonce);
    byte[] plain = ByteBuffer.allocate(8 + id.length).putLong(issuedAtSeconds).put(id).array();
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(context));
      byte[] out = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plain.length)];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
      cipher.doFinal(plain, 0, plain.length, out, 1 + NONCE_BYTES);
      return ENCODER.encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  /** Opens a value sealed by {@link #seal(String)}; empty for anything else. Never throws. */
  public Optional<Contents> open(String sealed) {
    return open(sealed, null);
  }

  /** Opens a value sealed by {@link #seal(String, String)} with the same context; empty otherwise. */
  public Optional<Contents> open(String sealed, String context) {
    if (sealed == null || sealed.length() < 8 || sealed.length() > MAX_SEALED_LENGTH) {
      return Optional.empty();
    }
    byte[] raw;
    try {
      raw = DECODER.decode(sealed);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    if (raw.length < 1 + NONCE_BYTES + TAG_BYTES + 8 || raw[0] != VERSION) {
      return Optional.empty();
    }
    for (SecretKeySpec candidate : keys) {
      Optional<Contents> opened = open(raw, context, candidate);
      if (opened.isPresent()) {
        return opened;
      }
    }
    return Optional.empty();
  }

  private Optional<Contents> open(byte[] raw, String context, SecretKeySpec candidate) {
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.DECRYPT_MODE, candidate, new GCMParameterSpec(TAG_BITS, raw, 1, NONCE_BYTES));
      cipher.updateAAD(aad(context));
      byte[] plain = cipher.doFinal(raw, 1 + NONCE_BYTES, raw.length - 1 - NONCE_BYTES);
      ByteBuffer buffer = ByteBuffer.wrap(plain);
      long issuedAt = buffer.getLong();
      if (!isWithinAge(issuedAt)) {
        return Optional.empty();
      }
      String exchangeId = new String(plain, 8, plain.length - 8, StandardCharsets.UTF_8);
      if (!KlaviyoCookie.isValidExchangeId(exchangeId)) {
        return Optional.empty();
      }
      return Optional.of(new Contents(exchangeId, issuedAt));
    } catch (GeneralSecurityException | RuntimeException e) {
      // AEADBadTagException (tampered, foreign or another key's), short buffers
      return Optional.empty();
    }
  }

  /** Whether a value issued at {@code issuedAtSeconds} is still inside its lifetime (and not from the future). */
  public boolean isWithinAge(long issuedAtSeconds) {
    long now = nowSeconds.getAsLong();
    return issuedAtSeconds <= now + MAX_FUTURE_SKEW_SECONDS && now - issuedAtSeconds <= maxAgeSeconds;
  }

  private byte[] aad(String context) {
    if (context == null) {
      return purpose;
    }
    byte[] extra = context.getBytes(StandardCharsets.UTF_8);
    byte[] aad = new byte[purpose.length + 1 + extra.length];
    System.arraycopy(purpose, 0, aad, 0, purpose.length);
    aad[purpose.length] = 0;
    System.arraycopy(extra, 0, aad, purpose.length + 1, extra.length);
    return aad;
  }

  @Override
  public String toString() {
    return "SealedCookie[keys=" + keys.size() + " redacted, maxAgeSeconds=" + maxAgeSeconds + "]";
  }
}
