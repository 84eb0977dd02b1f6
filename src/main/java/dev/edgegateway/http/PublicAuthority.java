package dev.edgegateway.http;

import dev.edgegateway.config.Settings;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code host[:port]} browsers reach this gateway under, for URLs the gateway hands out (the rewritten
 * {@code search.basePath}): {@code EDGE_PUBLIC_BASE_URL} when set; else the request's {@code Host} when it is one of
 * {@code EDGE_PUBLIC_HOSTS} (the answer then varies by Host, and says so); else the first of them; else the address
 * the request reached. Never a Host a client made up: it would point the SDK's searches, and a cache, at it.
 */
final class PublicAuthority {
  private static final Pattern HOST = Pattern.compile("[a-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9a-f:.]+\\](:[0-9]{1,5})?");

  private final String base;
  private final List<String> hosts;

  PublicAuthority(String publicBaseUrl, List<String> publicHosts) {
    this.base = publicBaseUrl.replaceFirst("^https?://", "");
    this.hosts = publicHosts;
  }

  /** {@code EDGE_PUBLIC_HOSTS} as configured, lower-cased; a malformed entry stops the start, named with its setting. */
  static List<String> hosts(List<String> configured) {
    List<String> hosts = new ArrayList<>();
    for (String entry : configured) {
      String host = entry.trim().toLowerCase(Locale.ROOT);
      if (!HOST.matcher(host).matches()) {
        throw new IllegalArgumentException(Settings.PUBLIC_HOSTS.path() + " (" + Settings.PUBLIC_HOSTS.env()
            + ") must list hosts as host or host:port, got '" + entry + "'");
      }
      hosts.add(host);
    }
    return List.copyOf(hosts);
  }

  /** Whether {@link #of} depends on the request's {@code Host}: its answer must then say {@code Vary: Host}. */
  boolean variesByHost() {
    return base.isEmpty() && hosts.size() > 1;
  }

  /** The public {@code host[:port]} for the request of {@code ctx}. */
  String of(RoutingContext ctx) {
    if (!base.isEmpty()) {
      return base;
    }
    if (!hosts.isEmpty()) {
      HostAndPort sent = ctx.request().authority();
      String host = sent == null ? null : (sent.port() > 0 ? sent.host() + ":" + sent.port() : sent.host())
          .toLowerCase(Locale.ROOT);
      return host != null && hosts.contains(host) ? host : hosts.get(0);
    }
    SocketAddress local = ctx.request().localAddress();
    String address = local == null || local.hostAddress() == null ? "localhost" : local.hostAddress();
    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    return local == null ? host : host + ":" + local.port();
  }
}
