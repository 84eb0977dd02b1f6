package dev.edgegateway.http;

import dev.edgegateway.config.Settings;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who a request comes from, as far as anyone can vouch for it: the socket peer, unless the peer is one of the proxies
 * in {@code EDGE_TRUSTED_PROXIES} (addresses or CIDR ranges); then the last address of its {@code Forwarded} (or
 * {@code X-Forwarded-For}) chain that is not itself a trusted proxy, and its {@code proto} (or
 * {@code X-Forwarded-Proto}). Anything a client sends past a trusted hop is the client's own word and counts for
 * nothing. Never resolves a name: only address literals are read.
 */
final class TrustedProxies {
  /** Hops of a forwarding chain looked at, from the right: a longer chain is the client's own padding. */
  private static final int MAX_HOPS = 16;

  private record Range(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      int mask = rest == 0 ? 0 : (0xff << (8 - rest)) & 0xff;
      return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = ranges;
  }

  /** {@code entries} as configured; a malformed one stops the start, named with its setting. */
  static TrustedProxies parse(List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      int slash = entry.indexOf('/');
      byte[] network = address(slash < 0 ? entry : entry.substring(0, slash));
      int bits = network == null ? -1 : network.length * 8;
      if (network != null && slash >= 0) {
        try {
          bits = Integer.parseInt(entry.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
          bits = -1;
        }
      }
      if (network == null || bits < 0 || bits > network.length * 8) {
        throw new IllegalArgumentException(Settings.TRUSTED_PROXIES.path() + " (" + Settings.TRUSTED_PROXIES.env()
            + ") must list addresses or CIDR ranges, got '" + entry + "'");
      }
      ranges.add(new Range(network, bits));
    }
    return new TrustedProxies(List.copyOf(ranges));
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether {@code address} (a literal) is one of the proxies. */
  boolean trusts(String address) {
    byte[] bytes = address(address);
    if (bytes == null) {
      return false;
    }
    for (Range range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** The client's address (a literal): see the class comment. */
  String client(HttpServerRequest request) {
    String peer = peer(request);
    if (ranges.isEmpty() || !trusts(peer)) {
      return peer;
    }
    List<String> chain = forwardedFor(request);
    String client = peer;
    for (int i = chain.size() - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
      String hop = literal(chain.get(i));
      if (hop == null) {
        break; // "unknown", an obfuscated name or junk: the hop before it is all that is known
      }
      client = hop;
      if (!trusts(hop)) {
        break;
      }
    }
    return client;
  }

  /** Whether the shopper reached us over HTTPS: this listener's TLS, or a trusted proxy's word. */
  boolean https(HttpServerRequest request) {
    if (request.isSSL()) {
      return true;
    }
    if (ranges.isEmpty() || !trusts(peer(request))) {
      return false;
    }
    String proto = null;
    for (String element : split(request.headers().getAll("Forwarded"))) {
      String value = parameter(element, "proto");
      if (value != null) {
        proto = value;
      }
    }
    if (proto == null) {
      List<String> sent = split(request.headers().getAll("X-Forwarded-Proto"));
      proto = sent.isEmpty() ? null : sent.get(sent.size() - 1);
    }
    return "https".equalsIgnoreCase(proto);
  }

  /**
   * The part of {@code address} a rate limit counts: the address, or for IPv6 its /64 network (one subscriber's
   * allocation, which it can fill with as many addresses as it likes).
   */
  static String limitKey(String address) {
    byte[] bytes = address(address);
    if (bytes == null || bytes.length == 4) {
      return address;
    }
    StringBuilder network = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      network.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
    }
    return network.append(":/64").toString();
  }

  private static String peer(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    String host = remote == null ? null : remote.hostAddress();
    return host == null ? "unknown" : host;
  }

  /** The {@code for} values of {@code Forwarded} when it is there, else the entries of {@code X-Forwarded-For}. */
  private static List<String> forwardedFor(HttpServerRequest request) {
    List<String> chain = new ArrayList<>();
    for (String element : split(request.headers().getAll("Forwarded"))) {
      String value = parameter(element, "for");
      chain.add(value == null ? "" : value);
    }
    return chain.isEmpty() ? split(request.headers().getAll("X-Forwarded-For")) : chain;
  }

  private static List<String> split(List<String> headers) {
    List<String> parts = new ArrayList<>();
    for (String header : headers) {
      for (String part : header.split(",")) {
        parts.add(part.trim());
      }
    }
    return parts;
  }

  /** {@code name}'s value in one {@code Forwarded} element ({@code for=...;proto=...}), unquoted, or null. */
  private static String parameter(String element, String name) {
    for (String pair : element.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals(name)) {
        String value = pair.substring(eq + 1).trim();
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
            ? value.substring(1, value.length() - 1) : value;
      }
    }
    return null;
  }

  /** The address literal of a hop ({@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}), or null. */
  private static String literal(String hop) {
    String value = hop.trim();
    if (value.startsWith("[")) {
      int end = value.indexOf(']');
      value = end < 0 ? "" : value.substring(1, end);
    } else if (value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':')) {
      value = value.substring(0, value.indexOf(':')); // IPv4 with a port
    }
    return address(value) == null ? null : value;
  }

  /** The bytes of an address literal (IPv4-mapped IPv6 as IPv4), or null for anything else. */
  private static byte[] address(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return null;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text.trim());
    if (bytes != null && bytes.length == 16 && isV4Mapped(bytes)) {
      return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }
    return bytes;
  }

  private static boolean isV4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
  }
}
