package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequestValuesTest {
  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9-]{8,64}");
  private static final String ALPHABET = "aZ09_.:-/ %\u00e9\u0000{}\u0130";

  @Test
  void keysAndSessionsAreCheckedAsTheirPatternsSay() {
    Random random = new Random(42);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(3) == 0 ? random.nextInt(140) : random.nextInt(12);
      for (int i = 0; i < length; i++) {
        value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String v = value.toString();
      assertThat(RequestValues.isKey(v)).as(v).isEqualTo(RequestValues.KEY.matcher(v).matches());
      assertThat(RequestValues.validSession(v) != null).as(v).isEqualTo(SESSION.matcher(v).matches());
    }
    assertThat(RequestValues.isKey("k-home.1:x_y")).isTrue();
    assertThat(RequestValues.isKey("a".repeat(129))).isFalse();
    assertThat(RequestValues.isKey(null)).isFalse();
    assertThat(RequestValues.validSession("615e65c3-bc3b-4bec-9259-d368115b07ad")).isNotNull();
    assertThat(RequestValues.validSession("short")).isNull();
  }
}
