package dev.edgegateway.http;

import dev.edgegateway.identity.Identity;
import dev.edgegateway.identity.IdentityRequest;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The cookies that identify a shopper: Klaviyo's ({@code __kla_id}, {@code __kla_off}), read only, and the
 * gateway's own, {@code edge_id} (the sealed shopper) and {@code edge_ks} (an anonymous shopper's Klevu
 * session). Ours are HttpOnly, SameSite=Lax, and Secure whenever the page was reached over HTTPS (this listener's
 * TLS, the public URL's scheme, or a trusted proxy's word: never a client's own {@code X-Forwarded-Proto}).
 */
final class ShopperCookies {
  static final String KLA_ID = "__kla_id";
  static final String KLA_OFF = "__kla_off";
  static final String IDENTITY = "edge_id";
  static final String SESSION = "edge_ks";
  /** Lifetime of the cookie holding a shopper's Klevu session id. */
  static final int SESSION_MAX_AGE_S = 24 * 3600;

  private final String publicBaseUrl;
  private final long identityMaxAgeSeconds;
  private final TrustedProxies proxies;

  /** @param identityMaxAgeSeconds as long as a sealed {@code edge_id} opens ({@code identity.cookieMaxAgeDays}) */
  ShopperCookies(String publicBaseUrl, long identityMaxAgeSeconds, TrustedProxies proxies) {
    this.publicBaseUrl = publicBaseUrl;
    this.identityMaxAgeSeconds = identityMaxAgeSeconds;
    this.proxies = proxies;
  }

  /** What identifies a shopper on a request: the Klaviyo cookies, the {@code _kx} link parameter and ours. */
  static IdentityRequest identityRequest(Map<String, String> cookies, String kxParam) {
    return new IdentityRequest(cookies.get(KLA_ID), cookies.get(KLA_OFF), kxParam, cookies.get(IDENTITY));
  }

  /**
   * Whether a request carries something that may name a shopper beyond Klaviyo's cookie (which the resolver reads):
   * the gateway's own cookies or a {@code _kx} link parameter, valid or not. Its answer is never shared.
   */
  static boolean signalsShopper(Map<String, String> cookies, String kxParam) {
    return (kxParam != null && !kxParam.isEmpty()) || cookies.containsKey(IDENTITY) || cookies.containsKey(SESSION);
  }

  /** Sets {@code edge_id} when the shopper was issued a sealed cookie. */
  void setIdentity(RoutingContext ctx, Identity shopper) {
    if (shopper.gatewayCookie() != null) {
      ctx.response().addCookie(Cookie.cookie(IDENTITY, shopper.gatewayCookie())
          .setPath("/").setHttpOnly(true).setSecure(secure(ctx)).setSameSite(CookieSameSite.LAX)
          .setMaxAge(identityMaxAgeSeconds));
    }
  }

  /** Sets {@code edge_ks} when the shopper's Klevu session is not the one it sent. */
  void setSession(RoutingContext ctx, String current, String sessionId) {
    if (sessionId != null && !sessionId.equals(current)) {
      ctx.response().addCookie(Cookie.cookie(SESSION, sessionId)
          .setPath("/").setHttpOnly(true).setSecure(secure(ctx)).setSameSite(CookieSameSite.LAX)
          .setMaxAge(SESSION_MAX_AGE_S));
    }
  }

  private boolean secure(RoutingContext ctx) {
    return publicBaseUrl.startsWith("https://") || proxies.https(ctx.request());
  }
}
