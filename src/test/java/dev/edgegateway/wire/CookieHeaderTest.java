package dev.edgegateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CookieHeaderTest {
  @Test
  void readsBase64PaddingQuotesAndSpacesLeniently() {
    Map<String, String> cookies = CookieHeader.parse(List.of(
        "__kla_id=eyJjaWQiOiJ4In0=; edge_ks=\"615e65c3\" ;  a = b ;;=orphan; noequals; a=second"));
    // "=orphan" has no name and "noequals" no value: both are skipped
    assertThat(cookies).containsExactlyInAnyOrderEntriesOf(
        Map.of("__kla_id", "eyJjaWQiOiJ4In0=", "edge_ks", "615e65c3", "a", "b"));
  }

  @Test
  void firstValueOfANameWinsAcrossHeaders() {
    assertThat(CookieHeader.parse(List.of("x=1", "x=2; y=3"))).containsEntry("x", "1").containsEntry("y", "3");
  }

  @Test
  void boundedInCountAndHeaderSize() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      many.append("c").append(i).append("=v;");
    }
    assertThat(CookieHeader.parse(List.of(many.toString()))).hasSize(CookieHeader.MAX_COOKIES);
    assertThat(CookieHeader.parse(List.of("x=" + "a".repeat(CookieHeader.MAX_HEADER_CHARS)))).isEmpty();
    // separators without a pair, then one late '=': nothing but the last pair
    assertThat(CookieHeader.parse(List.of(";".repeat(CookieHeader.MAX_HEADER_CHARS - 4) + "k=v")))
        .containsExactly(Map.entry("k", "v"));
  }
}
