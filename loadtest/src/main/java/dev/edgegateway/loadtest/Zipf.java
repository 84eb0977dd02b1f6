package dev.edgegateway.loadtest;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Zipf-distributed ranks 0..n-1: rank k is drawn with probability proportional to 1/(k+1)^s.
 * s = 0 is uniform. Precomputed CDF + binary search; fine for n up to a few million.
 */
public final class Zipf {
  private final double[] cdf;

  public Zipf(int n, double s) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1");
    }
    cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
  }

  public int size() {
    return cdf.length;
  }

  public int next() {
    double u = ThreadLocalRandom.current().nextDouble();
    int i = Arrays.binarySearch(cdf, u);
    return i >= 0 ? i : Math.min(-i - 1, cdf.length - 1);
  }

  /** Probability mass of the {@code top} most popular ranks. */
  public double massOfTop(int top) {
    return top <= 0 ? 0 : cdf[Math.min(top, cdf.length) - 1];
  }
}
