package dev.edgegateway.recs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SearchBasePathTest {

  @Test
  void hostAndPathWithOrWithoutSchemeAndPath() {
    assertThat(SearchBasePath.parse("https://eucs29v2.ksearchnet.com/cs/v2/search"))
        .isEqualTo(new SearchBasePath("eucs29v2.ksearchnet.com", "/cs/v2/search"));
    assertThat(SearchBasePath.parse("http://127.0.0.1:8090/search/x"))
        .isEqualTo(new SearchBasePath("127.0.0.1:8090", "/search/x"));
    assertThat(SearchBasePath.parse("eucs29v2.ksearchnet.com"))
        .isEqualTo(new SearchBasePath("eucs29v2.ksearchnet.com", SearchBasePath.DEFAULT_PATH));
    assertThat(SearchBasePath.parse("")).isEqualTo(new SearchBasePath("", "/cs/v2/search"));
    assertThat(SearchBasePath.parse(null)).isEqualTo(new SearchBasePath("", "/cs/v2/search"));
  }
}
