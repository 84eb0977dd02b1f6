package dev.edgegateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhaseTimerTest {
  @Test
  void millisHaveTwoDecimalsRoundedHalfUp() {
    assertEquals("0.00", PhaseTimer.millis(0));
    assertEquals("0.00", PhaseTimer.millis(4_999));
    assertEquals("0.01", PhaseTimer.millis(5_000));
    assertEquals("0.05", PhaseTimer.millis(50_000));
    assertEquals("1.00", PhaseTimer.millis(999_999));
    assertEquals("12.34", PhaseTimer.millis(12_340_000));
    assertEquals("3.10", PhaseTimer.millis(3_100_000));
    assertEquals("0.00", PhaseTimer.millis(-7), "a clock step back never shows a negative duration");
  }
}
