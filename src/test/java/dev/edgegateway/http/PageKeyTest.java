package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageKeyTest {

  @Test
  void noPartCanPassForAnother() {
    String plain = PageRequest.pageKey("h1", "s1", "k", "p", null, null, null);
    assertThat(PageRequest.pageKey("h1", "s1", "k", "p", null, null, null)).isEqualTo(plain);
    assertThat(PageRequest.pageKey("h1", "s1", "k", null, "p", null, null)).isNotEqualTo(plain);
    assertThat(PageRequest.pageKey("h1", "s1", "k", "p", "", null, null)).isNotEqualTo(plain);
    assertThat(PageRequest.pageKey("h1", null, "s1", "k", "p", null, null)).isNotEqualTo(plain);
    // a value carrying the separators of another part does not collide with it
    assertThat(PageRequest.pageKey("h1", "s1|1:k", "x", null, null, null, null))
        .isNotEqualTo(PageRequest.pageKey("h1", "s1", "k|1:x", null, null, null, null));
    assertThat(PageRequest.pageKey("h2", "s1", "k", "p", null, null, null)).isNotEqualTo(plain);
    // a checkout page's cart is part of the page
    assertThat(PageRequest.pageKey("h1", "s1", "k", "p", null, null, "1,2")).isNotEqualTo(plain);
    assertThat(PageRequest.pageKey("h1", "s1", "k", "p", null, null, "")).isNotEqualTo(plain);
  }
}
