package dev.edgegateway.sim;

import java.util.concurrent.ThreadLocalRandom;
import java.util.UUID;

/** Fast deterministic hashing for generated data (FNV-1a 64 + SplitMix64 finalizer; not cryptographic). */
final class Det {

  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private Det() {
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static long hash(String s) {
    return hash(0, s);
  }

  /** Hash of {@code s} continuing from {@code seed} (so several strings can be chained). */
  static long hash(long seed, String s) {
    long h = 0xcbf29ce484222325L ^ mix(seed);
    if (s != null) {
      for (int i = 0, n = s.length(); i < n; i++) {
        h ^= s.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= s.length();
    } else {
      h ^= 0x5bd1e995L;
    }
    return mix(h);
  }

  /** Non-negative value in {@code [0, bound)}. */
  static int pick(long h, int bound) {
    return (int) Long.remainderUnsigned(h, bound);
  }

  /** A 26-char ULID-looking id starting with {@code 01K}, as Klaviyo profile ids look. */
  static String profileId(long h) {
    char[] c = new char[26];
    c[0] = '0';
    c[1] = '1';
    c[2] = 'K';
    long a = h;
    long b = mix(h ^ 0x9e3779b97f4a7c15L);
    for (int i = 3; i < 26; i++) {
      long src = i < 15 ? a : b;
      c[i] = CROCKFORD[(int) (src & 31)];
      if (i < 15) {
        a >>>= 5;
      } else {
        b >>>= 5;
      }
    }
    return new String(c);
  }

  /** A short alphanumeric id (Klaviyo segment/list ids look like {@code Xy12Ab}). */
  static String shortId(long h, int len) {
    char[] c = new char[len];
    long x = h;
    for (int i = 0; i < len; i++) {
      c[i] = ALNUM[pick(x, ALNUM.length)];
      x = mix(x + i + 1);
    }
    return new String(c);
  }

  /** Random v4 UUID without SecureRandom (session ids only need to be unique, not secret, here). */
  static String randomUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /** Short non-reversible tag of a secret-ish value, safe for logs. */
  static String redact(String secret) {
    return secret == null ? "null" : Long.toHexString(hash(0x51ab1e, secret)).substring(0, 8);
  }
}
