package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShopperHashTest {
  @Test
  void stableKeyedAndDomainSeparated() {
    ShopperHash hash = new ShopperHash("pepper");
    String id = KlaviyoCookieTest.EXCHANGE_ID;
    assertThat(hash.exchangeId(id)).isEqualTo(new ShopperHash("pepper").exchangeId(id))
        .hasSize(ShopperHash.HASH_CHARS).matches("[A-Za-z0-9_-]+").doesNotContain("UsRnv6");
    assertThat(hash.exchangeId(id)).isNotEqualTo(new ShopperHash("other").exchangeId(id));
    assertThat(hash.email("a@b.c")).isNotEqualTo(hash.customerId("a@b.c")).isNotEqualTo(hash.exchangeId("a@b.c"));
    assertThat(hash.exchangeId(null)).isNull();
    assertThat(hash.email(null)).isNull();
  }

  @Test
  void emailsAreNormalised() {
    ShopperHash hash = ShopperHash.defaultInstance();
    assertThat(hash.email(" Ann@Example.COM ")).isEqualTo(hash.email("ann@example.com"));
    assertThat(hash.customerId(" 42 ")).isEqualTo(hash.customerId("42"));
  }

  @Test
  void emptyPepperIsTheDefault() {
    assertThat(new ShopperHash("").exchangeId("x")).isEqualTo(ShopperHash.defaultInstance().exchangeId("x"));
    assertThat(new ShopperHash(null).exchangeId("x")).isEqualTo(new ShopperHash(ShopperHash.DEFAULT_PEPPER).exchangeId("x"));
  }

  @Test
  void threadsAgree() {
    ShopperHash hash = new ShopperHash("pepper");
    Set<String> seen = ConcurrentHashMap.newKeySet();
    IntStream.range(0, 10_000).parallel().forEach(i -> seen.add(hash.customerId("customer-" + (i % 10))));
    assertThat(seen).hasSize(10);
  }
}
