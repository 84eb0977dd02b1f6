package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SealedCookieTest {
  static final String EXCHANGE_ID = KlaviyoCookieTest.EXCHANGE_ID;
  static final long DAY = 86_400;

  private final AtomicLong now = new AtomicLong(1_790_000_000L);

  private SealedCookie sealer(String secret) {
    return new SealedCookie(SealedCookie.deriveKey(secret), SealedCookie.PURPOSE_COOKIE, 30 * DAY, now::get);
  }

  @Test
  void roundTrip() {
    SealedCookie cookies = sealer("s3cret");
    String sealed = cookies.seal(EXCHANGE_ID);
    assertThat(sealed).doesNotContain(EXCHANGE_ID).doesNotContain("UsRnv6").matches("[A-Za-z0-9_-]+");
    assertThat(cookies.open(sealed)).hasValueSatisfying(c -> {
      assertThat(c.exchangeId()).isEqualTo(EXCHANGE_ID);
      assertThat(c.issuedAtSeconds()).isEqualTo(now.get());
    });
    // nonces differ: two seals of one id are unlinkable
    assertThat(cookies.seal(EXCHANGE_ID)).isNotEqualTo(sealed);
    // another instance with the same secret (another gateway) opens it
    assertThat(sealer("s3cret").open(sealed)).isPresent();
  }

  @Test
  void tamperedOrTruncatedValuesOpenToEmpty() {
    SealedCookie cookies = sealer("s3cret");
    String sealed = cookies.seal(EXCHANGE_ID);
    byte[] raw = Base64.getUrlDecoder().decode(sealed);
    for (int i = 0; i < raw.length; i++) {
      byte[] flipped = raw.clone();
      flipped[i] ^= 0x01;
      assertThat(cookies.open(Base64.getUrlEncoder().withoutPadding().encodeToString(flipped))).isEmpty();
    }
    for (int len = 0; len < sealed.length(); len++) {
      assertThat(cookies.open(sealed.substring(0, len))).isEmpty();
    }
    assertThat(cookies.open(sealed + "A")).isEmpty();
    assertThat(cookies.open(null)).isEmpty();
    assertThat(cookies.open("")).isEmpty();
    assertThat(cookies.open("!!!!!!!!!!!!!!!!!!!!!!!!")).isEmpty();
    assertThat(cookies.open("x".repeat(10_000))).isEmpty();
  }

  @Test
  void expiredAndFutureValuesOpenToEmpty() {
    SealedCookie cookies = sealer("s3cret");
    String sealed = cookies.seal(EXCHANGE_ID);
    now.addAndGet(30 * DAY);
    assertThat(cookies.open(sealed)).isPresent();
    now.addAndGet(1);
    assertThat(cookies.open(sealed)).isEmpty();
    String future = cookies.seal(EXCHANGE_ID, null, now.get() + SealedCookie.MAX_FUTURE_SKEW_SECONDS + 1);
    assertThat(cookies.open(future)).isEmpty();
  }

  @Test
  void foreignKeyPurposeOrContextOpensToEmpty() {
    String sealed = sealer("s3cret").seal(EXCHANGE_ID);
    assertThat(sealer("other secret").open(sealed)).isEmpty();
    SealedCookie links = new SealedCookie(SealedCookie.deriveKey("s3cret"), SealedCookie.PURPOSE_LINK, DAY, now::get);
    assertThat(links.open(sealed)).isEmpty();
    String link = links.seal(EXCHANGE_ID, "idlink:abc");
    assertThat(links.open(link, "idlink:abc")).isPresent();
    assertThat(links.open(link, "idlink:abd")).isEmpty();
    assertThat(links.open(link)).isEmpty();
    assertThat(sealer("s3cret").open(link, "idlink:abc")).isEmpty();
  }

  @Test
  void emptySecretGivesOneRandomKeyPerProcess() {
    byte[] a = SealedCookie.deriveKey("");
    byte[] b = SealedCookie.deriveKey(null);
    assertThat(a).hasSize(32).isEqualTo(b);
    assertThat(a).isNotEqualTo(SealedCookie.deriveKey("s3cret"));
    assertThat(SealedCookie.deriveKey("s3cret")).isEqualTo(SealedCookie.deriveKey("s3cret"));
  }

  @Test
  void randomInputNeverOpensNorThrows() {
    SealedCookie cookies = sealer("s3cret");
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      if (bytes.length > 0) {
        bytes[0] = 1; // get past the version check
      }
      assertThat(cookies.open(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))).isEmpty();
      assertThat(cookies.open(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))).isEmpty();
    }
  }
}
