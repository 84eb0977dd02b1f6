package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdentityResolverTest {
  private static final String ALICE = "aliceIdentifierAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.LdTst1";
  private static final String BOB = "bobIdentifierBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=.LdTst1";

  private final AtomicLong nowSeconds = new AtomicLong(1_800_000_000L);
  private final SealedCookie cookies = new SealedCookie(SealedCookie.deriveKey("test-secret"),
      SealedCookie.PURPOSE_COOKIE, 3_600, nowSeconds::get);
  private final IdentityResolver resolver =
      new IdentityResolver(new ShopperHash("pepper"), cookies, new SimpleMeterRegistry());

  private static IdentityRequest kx(String exchangeId, String gatewayCookie) {
    return new IdentityRequest(null, null, exchangeId, gatewayCookie);
  }

  @Test
  void pagesOfOneShopperArrivingTogetherShareOneSealedCookie() {
    Identity first = resolver.resolve(kx(ALICE, null));
    Identity second = resolver.resolve(kx(ALICE, null));
    Identity other = resolver.resolve(kx(BOB, null));

    assertThat(first.gatewayCookie()).isNotNull().isEqualTo(second.gatewayCookie());
    assertThat(second.exchangeIdHash()).isEqualTo(first.exchangeIdHash());
    assertThat(other.gatewayCookie()).isNotEqualTo(first.gatewayCookie());
    assertThat(cookies.open(first.gatewayCookie())).get().extracting(SealedCookie.Contents::exchangeId).isEqualTo(ALICE);
  }

  @Test
  void theSharedCookieComesBackAsCurrentAndIsNotSealedAgain() {
    String issued = resolver.resolve(kx(ALICE, null)).gatewayCookie();

    Identity next = resolver.resolve(new IdentityRequest(null, null, null, issued));

    assertThat(next.exchangeId()).isEqualTo(ALICE);
    assertThat(next.source()).isEqualTo(IdentitySource.GATEWAY_COOKIE);
    assertThat(next.gatewayCookie()).as("a current cookie is not re-issued").isNull();
  }

  @Test
  void aSharedCookiePastItsLifetimeIsNeverHandedOutAgain() {
    String issued = resolver.resolve(kx(ALICE, null)).gatewayCookie();
    nowSeconds.addAndGet(3_601);

    String later = resolver.resolve(kx(ALICE, null)).gatewayCookie();

    assertThat(later).isNotEqualTo(issued);
    assertThat(cookies.open(later)).isPresent();
    assertThat(cookies.open(issued)).isEmpty();
  }

  @Test
  void anUnsealedResolutionKeysTheShopperAtOnceAndSealsTheDueCookieLater() {
    IdentityResolver.Unsealed unsealed = resolver.resolveUnsealed(kx(ALICE, null));

    assertThat(unsealed.cookieDue()).isTrue();
    assertThat(unsealed.identity().gatewayCookie()).as("nothing sealed yet").isNull();
    assertThat(unsealed.identity().exchangeIdHash()).isEqualTo(new ShopperHash("pepper").exchangeId(ALICE));
    Identity sealed = resolver.sealDue(unsealed);
    assertThat(sealed.exchangeIdHash()).isEqualTo(unsealed.identity().exchangeIdHash());
    assertThat(cookies.open(sealed.gatewayCookie())).get().extracting(SealedCookie.Contents::exchangeId).isEqualTo(ALICE);

    IdentityResolver.Unsealed returning = resolver.resolveUnsealed(new IdentityRequest(null, null, null, sealed.gatewayCookie()));
    assertThat(returning.cookieDue()).as("a current cookie is not due again").isFalse();
    assertThat(resolver.sealDue(returning).gatewayCookie()).isNull();
    assertThat(resolver.resolveUnsealed(kx(null, null)).cookieDue()).as("anonymous").isFalse();
  }

  @Test
  void aCookieDecodedBeforeResolvesAlikeAndJunkIsCountedEveryTime() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    IdentityResolver counting = new IdentityResolver(new ShopperHash("pepper"), cookies, registry);
    String kla = java.util.Base64.getEncoder().encodeToString(
        ("{\"$exchange_id\":\"" + ALICE + "\",\"cid\":\"Y2lk\",\"$email\":\" Alice@Example.com\"}").getBytes());
    Identity first = counting.resolve(new IdentityRequest(kla, null, null, null));
    Identity again = counting.resolve(new IdentityRequest(kla, null, null, null));
    Identity fresh = resolver.resolve(new IdentityRequest(kla, null, null, null));

    assertThat(again.exchangeId()).isEqualTo(ALICE).isEqualTo(first.exchangeId());
    assertThat(again.emailHash()).isNotNull().isEqualTo(first.emailHash()).isEqualTo(fresh.emailHash());
    assertThat(again.clientId()).isEqualTo("Y2lk");

    String junk = java.util.Base64.getEncoder().encodeToString("[1,2]".getBytes());
    for (int i = 0; i < 3; i++) {
      assertThat(counting.resolve(new IdentityRequest(junk, null, null, null)).identified()).isFalse();
    }
    assertThat(registry.get("edge_identity_cookie_decode_failures_total").tag("reason", "not_object").counter()
        .count()).isEqualTo(3.0);
  }
}
