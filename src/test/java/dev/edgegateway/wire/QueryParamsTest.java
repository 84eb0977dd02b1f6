package dev.edgegateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QueryParamsTest {

  @Test
  void klevuSdkGrammarAndBrokenEscapes() {
    var q = QueryParams.parse("&cp=Men;Shoes%20X&&sids=a,b&cp=second&flag&bad=%zz%2&plus=a+b&utf=%C3%A9");
    assertThat(q.asMap()).containsEntry("cp", "Men;Shoes X").containsEntry("sids", "a,b").containsEntry("flag", "")
        .containsEntry("bad", "%zz%2").containsEntry("plus", "a b").containsEntry("utf", "é");
    assertThat(q.get("flag")).isNull();
    assertThat(QueryParams.parse(null).asMap()).isEmpty();
    assertThat(QueryParams.parse("").asMap()).isEmpty();
  }

  @Test
  void pathSegmentsKeepPlusAndBrokenEscapes() {
    assertThat(QueryParams.decodePath("k%2Dhome+x")).isEqualTo("k-home+x");
    assertThat(QueryParams.decodePath("100%")).isEqualTo("100%");
  }

  @Test
  void parameterCountIsBounded() {
    assertThat(QueryParams.parse("a=1&".repeat(10_000)).asMap()).hasSizeLessThanOrEqualTo(QueryParams.MAX_PARAMS);
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      many.append('p').append(i).append("=x&");
    }
    assertThat(QueryParams.parse(many.toString()).asMap()).hasSize(QueryParams.MAX_PARAMS);
  }

  @Test
  void randomInputNeverThrows() {
    Random random = new Random(42);
    String alphabet = "%&=+;?#abcXYZ019\u00e9\ud83d\ude00 \u0000";
    for (int i = 0; i < 5_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int j = random.nextInt(40); j > 0; j--) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      QueryParams.parse(s.toString()).get("a");
    }
  }
}
