package dev.edgegateway.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.edgegateway.cache.LoopUpkeep;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Who the shopper of one request is, from what the request carries: pure computation, no I/O, never throws
 * for bad input, safe to call from any event loop. The identity verticle answers its bus address with it,
 * and the HTTP front calls it in place, since a bus hop would cost more than the work.
 *
 * <p>Metrics: {@code edge_identity_resolutions_total{source}} and
 * {@code edge_identity_cookie_decode_failures_total{reason}} (bounded tags, never a value).
 */
public final class IdentityResolver {
  /** Reason tag: a {@code _kx} parameter that is not an exchange id. */
  static final String BAD_KX = "bad_kx";
  /** Reason tag: an {@code edge_id} cookie that does not open (tampered, expired, foreign key). */
  static final String BAD_GATEWAY_COOKIE = "bad_gateway_cookie";

  /** Bound of the opened-cookie memo per resolver (one resolver per event loop). */
  static final long OPENED_COOKIES_MAX = 20_000;

  private final ShopperHash hash;
  private final SealedCookie cookies;
  /**
   * Gateway cookies already opened, by their sealed (opaque) value, with the hash of the id inside: a returning
   * shopper's browser sends the same value on every page, and decrypting it is most of resolving them.
   */
  private final Cache<String, Opened> opened = Caffeine.newBuilder()
      .executor(LoopUpkeep.INSTANCE)
      .maximumSize(OPENED_COOKIES_MAX).expireAfterWrite(Duration.ofMinutes(10)).build();

  private record Opened(SealedCookie.Contents contents, String exchangeIdHash) {
  }

  /** How long a cookie sealed here is handed out again to the same shopper, and how many are kept. */
  static final Duration SEALED_REUSE = Duration.ofSeconds(60);
  static final long SEALED_MAX = 20_000;
  /**
   * Cookies sealed here in the last minute, by exchange id (memory only): the pages of one shopper that arrive
   * together, a burst or the banners of one page, share one sealed value (and one id hash) instead of paying
   * for one each, and the browser is not sent a different cookie by every answer. The value is also put in the
   * opened memo, so the shopper's next page does not decrypt it.
   */
  private final Cache<String, IssuedCookie> issued = Caffeine.newBuilder()
      .executor(LoopUpkeep.INSTANCE)
      .maximumSize(SEALED_MAX).expireAfterWrite(SEALED_REUSE).build();

  private record IssuedCookie(String value, Opened opened) {
  }

  /** Bound of the decoded-cookie memo per resolver, in characters of the raw values and what they decode to. */
  static final long KLA_IDS_MAX_CHARS = 2L * 1024 * 1024;
  /**
   * {@code __kla_id} values that decoded, by their raw value, with the hash of the email inside: a returning
   * shopper's browser sends the same value on every page, and decoding it (base64, then JSON) and hashing the email
   * cost more than the rest of a warm page's identity. Junk is not kept: it is refused cheaply and counted each time.
   */
  private final Cache<String, KlaId> klaIds = Caffeine.newBuilder()
      .executor(LoopUpkeep.INSTANCE)
      .maximumWeight(KLA_IDS_MAX_CHARS).weigher((String raw, KlaId id) -> raw.length() + id.chars())
      .expireAfterAccess(Duration.ofMinutes(10)).build();

  private record KlaId(KlaviyoCookie.Decoded cookie, String emailHash) {
    static final KlaId NONE = new KlaId(KlaviyoCookie.Decoded.EMPTY, null);

    int chars() {
      return length(cookie.exchangeId()) + length(cookie.clientId()) + length(cookie.email()) + length(emailHash);
    }

    private static int length(String value) {
      return value == null ? 0 : value.length();
    }
  }
  private final Map<IdentitySource, Counter> resolutions = new EnumMap<>(IdentitySource.class);
  private final Map<String, Counter> decodeFailures = new HashMap<>();

  IdentityResolver(ShopperHash hash, SealedCookie cookies, MeterRegistry registry) {
    this.hash = hash;
    this.cookies = cookies;
    for (IdentitySource source : IdentitySource.values()) {
      resolutions.put(source, Metrics.counter(registry, "edge_identity_resolutions_total", "source", source.tag()));
    }
    for (KlaviyoCookie.Failure failure : KlaviyoCookie.Failure.values()) {
      decodeFailures.put(failure.tag(), decodeFailureCounter(registry, failure.tag()));
    }
    decodeFailures.put(BAD_KX, decodeFailureCounter(registry, BAD_KX));
    decodeFailures.put(BAD_GATEWAY_COOKIE, decodeFailureCounter(registry, BAD_GATEWAY_COOKIE));
  }

  /** A resolver with the hash pepper and cookie key of {@code options}, as the identity verticle has. */
  public static IdentityResolver of(IdentityOptions options, MeterRegistry registry) {
    SealedCookie cookies = new SealedCookie(SealedCookie.deriveKeys(options.cookieSecret()),
        SealedCookie.PURPOSE_COOKIE, options.cookieMaxAgeSeconds(), () -> System.currentTimeMillis() / 1000);
    return new IdentityResolver(new ShopperHash(options.hashPepper()), cookies, registry);
  }

  private static Counter decodeFailureCounter(MeterRegistry registry, String reason) {
    return Metrics.counter(registry, "edge_identity_cookie_decode_failures_total", "reason", reason);
  }

  /** Resolves and counts the resolution by source. */
  public Identity resolve(IdentityRequest request) {
    return sealDue(resolveUnsealed(request));
  }

  /**
   * A shopper resolved without sealing the gateway cookie it is due ({@code cookieDue}): {@link #sealDue} seals
   * it later, so a page can send its first upstream call before spending the seal's time (an AES-GCM encryption).
   */
  public record Unsealed(Identity identity, boolean cookieDue) {
  }

  /** As {@link #resolve}, with the seal of a due gateway cookie left to {@link #sealDue}. */
  public Unsealed resolveUnsealed(IdentityRequest request) {
    Unsealed resolved = examine(request);
    resolutions.get(resolved.identity().source()).increment();
    return resolved;
  }

  /** The keyed hash of an anonymous shopper's Klaviyo client id, what its Klevu session is kept under; or null. */
  public String visitorHash(Identity shopper) {
    return shopper.identified() ? null : hash.other(shopper.clientId());
  }

  /** The shopper with the gateway cookie it was due, sealed now (the same shopper when none was due). */
  public Identity sealDue(Unsealed resolved) {
    Identity identity = resolved.identity();
    if (!resolved.cookieDue()) {
      return identity;
    }
    return new Identity(identity.exchangeId(), identity.exchangeIdHash(), identity.clientId(), identity.emailHash(),
        identity.source(), issue(identity.exchangeId(), identity.exchangeIdHash()).value());
  }

  /**
   * Precedence: {@code __kla_off=true}, then a valid {@code _kx}, then the cookie's {@code $exchange_id},
   * then the sealed gateway cookie, else anonymous (with the client id and email hash the cookie gave).
   * Whenever the shopper is identified and the gateway cookie does not already hold the same id (or is
   * past half its life), a fresh sealed cookie is issued so later pages stay identified.
   */
  Identity inspect(IdentityRequest request) {
    return sealDue(examine(request));
  }

  /** As {@link #inspect}, with the gateway cookie the shopper is due not sealed yet. */
  private Unsealed examine(IdentityRequest request) {
    if (request == null) {
      return new Unsealed(Identity.ANONYMOUS, false);
    }
    if (KlaviyoCookie.isOptedOut(request.klaOffCookie())) {
      return new Unsealed(Identity.OPTED_OUT, false);
    }
    String kx = null;
    if (request.kxParam() != null && !request.kxParam().isEmpty()) {
      kx = KlaviyoCookie.exchangeIdFromKx(request.kxParam());
      if (kx == null) {
        decodeFailures.get(BAD_KX).increment();
      }
    }
    KlaId klaId = klaId(request.klaIdCookie());
    KlaviyoCookie.Decoded cookie = klaId.cookie();
    Opened gateway = null;
    if (request.gatewayIdCookie() != null && !request.gatewayIdCookie().isEmpty()) {
      gateway = open(request.gatewayIdCookie());
      if (gateway == null) {
        decodeFailures.get(BAD_GATEWAY_COOKIE).increment();
      }
    }
    String emailHash = klaId.emailHash();
    if (kx != null) {
      return identified(kx, IdentitySource.KX_PARAM, cookie.clientId(), emailHash, gateway);
    }
    if (cookie.exchangeId() != null) {
      return identified(cookie.exchangeId(), IdentitySource.KLA_COOKIE, cookie.clientId(), emailHash, gateway);
    }
    if (gateway != null) {
      return identified(gateway.contents().exchangeId(), IdentitySource.GATEWAY_COOKIE, cookie.clientId(), emailHash,
          gateway);
    }
    if (cookie.clientId() == null && emailHash == null) {
      return new Unsealed(Identity.ANONYMOUS, false);
    }
    return new Unsealed(new Identity(null, null, cookie.clientId(), emailHash, IdentitySource.ANONYMOUS, null), false);
  }

  /** The {@code __kla_id} value decoded, from the memo when it decoded before; a failure is counted each time. */
  private KlaId klaId(String raw) {
    if (raw == null || raw.isEmpty()) {
      return KlaId.NONE;
    }
    KlaId known = klaIds.getIfPresent(raw);
    if (known != null) {
      return known;
    }
    KlaviyoCookie.Decoded cookie = KlaviyoCookie.decode(raw);
    KlaId decoded = new KlaId(cookie, hash.email(cookie.email()));
    if (cookie.failure() != null) {
      decodeFailures.get(cookie.failure().tag()).increment();
    } else if (!cookie.isEmpty()) {
      klaIds.put(raw, decoded);
    }
    return decoded;
  }

  /** An identified shopper, due a fresh gateway cookie unless the one it sent holds the same id and is current. */
  private Unsealed identified(String exchangeId, IdentitySource source, String clientId, String emailHash,
      Opened gateway) {
    boolean same = gateway != null && gateway.contents().exchangeId().equals(exchangeId);
    boolean current = same
        && System.currentTimeMillis() / 1000 - gateway.contents().issuedAtSeconds() < cookies.maxAgeSeconds() / 2;
    String idHash = same ? gateway.exchangeIdHash() : hash.exchangeId(exchangeId);
    return new Unsealed(new Identity(exchangeId, idHash, clientId, emailHash, source, null), !current);
  }

  /**
   * A gateway cookie for this shopper (whose id hashes to {@code exchangeIdHash}): one sealed in the last minute,
   * else a new one.
   */
  private IssuedCookie issue(String exchangeId, String exchangeIdHash) {
    IssuedCookie known = issued.getIfPresent(exchangeId);
    if (known != null && cookies.isWithinAge(known.opened().contents().issuedAtSeconds())) {
      return known;
    }
    SealedCookie.Sealed sealed = cookies.sealNow(exchangeId);
    IssuedCookie fresh = new IssuedCookie(sealed.value(), new Opened(sealed.contents(), exchangeIdHash));
    issued.put(exchangeId, fresh);
    opened.put(sealed.value(), fresh.opened());
    return fresh;
  }

  /** The gateway cookie's contents, or null when it does not open or is past its lifetime. */
  private Opened open(String sealed) {
    Opened known = opened.getIfPresent(sealed);
    if (known != null) {
      return cookies.isWithinAge(known.contents().issuedAtSeconds()) ? known : null;
    }
    SealedCookie.Contents contents = cookies.open(sealed).orElse(null);
    if (contents == null) {
      return null; // failures are not remembered: junk must not evict the cookies of real shoppers
    }
    Opened fresh = new Opened(contents, hash.exchangeId(contents.exchangeId()));
    opened.put(sealed, fresh);
    return fresh;
  }
}
