package dev.edgegateway.http;

import dev.edgegateway.identity.Identity;
import dev.edgegateway.identity.IdentityResolver;
import dev.edgegateway.wire.QueryParams;
import java.util.Map;

/** The shopper a request identifies, resolved on its event loop; best effort: whatever goes wrong, anonymous. */
final class ShopperIdentity {
  private final IdentityResolver resolver;

  ShopperIdentity(IdentityResolver resolver) {
    this.resolver = resolver;
  }

  Identity resolve(Map<String, String> cookies, QueryParams query) {
    try {
      return resolver.resolve(ShopperCookies.identityRequest(cookies, query.get("_kx")));
    } catch (RuntimeException e) {
      return Identity.ANONYMOUS;
    }
  }

  /** As {@link #resolve}, with the seal of a new gateway cookie left to {@link #sealDue}. */
  IdentityResolver.Unsealed resolveUnsealed(Map<String, String> cookies, QueryParams query) {
    try {
      return resolver.resolveUnsealed(ShopperCookies.identityRequest(cookies, query.get("_kx")));
    } catch (RuntimeException e) {
      return new IdentityResolver.Unsealed(Identity.ANONYMOUS, false);
    }
  }

  /** What an anonymous shopper's Klevu session is kept under (see {@link IdentityResolver#visitorHash}); or null. */
  String visitorHash(Identity shopper) {
    return resolver.visitorHash(shopper);
  }

  /** The shopper with its due gateway cookie; without one when sealing fails (the next page tries again). */
  Identity sealDue(IdentityResolver.Unsealed shopper) {
    try {
      return resolver.sealDue(shopper);
    } catch (RuntimeException e) {
      return shopper.identity();
    }
  }
}
