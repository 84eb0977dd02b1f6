package dev.edgegateway.recs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hosts a search may be sent to. Entries are {@code host}, {@code host:port}, {@code *.domain} or
 * {@code *.domain:port} ({@code *.} for any sub-domain); each matches one host (any case) on one port, a missing
 * port being the search scheme's default: a wildcard never opens every port of every name under it.
 */
public final class HostAllowlist {
  /** How an authority matched: listed as it is, only through a wildcard, or not at all. */
  public enum Match { EXACT, WILDCARD, NONE }

  // compiled once: String.matches compiled it again on every search of a cold page
  private static final Pattern AUTHORITY = Pattern.compile("([a-z0-9.-]+)(?::([0-9]{1,5}))?");
  private static final Pattern ENTRY = Pattern.compile("(\\*\\.)?([a-z0-9.-]+)(?::([0-9]{1,5}))?");

  private record Entry(boolean wildcard, String host, int port) {
    Match match(String host, int port) {
      if (port != this.port) {
        return Match.NONE;
      }
      if (!wildcard) {
        return this.host.equals(host) ? Match.EXACT : Match.NONE;
      }
      return host.length() > this.host.length() + 1 && host.endsWith(this.host)
          && host.charAt(host.length() - this.host.length() - 1) == '.' ? Match.WILDCARD : Match.NONE;
    }
  }

  /** An authority taken apart: lower-case host and port, and its canonical text (no port when the default). */
  record Authority(String host, int port, String text) {
  }

  private final List<Entry> entries;
  private final List<String> written;
  private final int defaultPort;

  /** Entries whose port is missing mean 443 (https). */
  public HostAllowlist(List<String> entries) {
    this(entries, 443);
  }

  /**
   * @param defaultPort the port of an entry or authority that names none: the search scheme's
   * @throws IllegalArgumentException for an entry that is none of the four forms
   */
  public HostAllowlist(List<String> entries, int defaultPort) {
    this.defaultPort = defaultPort;
    List<Entry> parsed = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String raw : entries) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      Matcher m = ENTRY.matcher(entry);
      int port = m.matches() && wellFormed(m.group(2)) ? port(m.group(3)) : -1;
      if (port < 0) {
        throw new IllegalArgumentException("search allowlist entry '" + raw.trim()
            + "' is none of host, host:port, *.domain, *.domain:port");
      }
      parsed.add(new Entry(m.group(1) != null, m.group(2), port));
      kept.add(entry);
    }
    this.entries = List.copyOf(parsed);
    this.written = List.copyOf(kept);
  }

  /** @param authority {@code host} or {@code host:port}, as found in a basePath or a client's path */
  public boolean allows(String authority) {
    return match(authority) != Match.NONE;
  }

  /** Whether {@code authority} is listed as it is, matched only by a wildcard, or refused. */
  public Match match(String authority) {
    Authority parsed = parse(authority);
    return parsed == null ? Match.NONE : match(parsed);
  }

  Match match(Authority authority) {
    Match best = Match.NONE;
    for (Entry entry : entries) {
      Match m = entry.match(authority.host(), authority.port());
      if (m == Match.EXACT) {
        return m;
      }
      if (m == Match.WILDCARD) {
        best = m;
      }
    }
    return best;
  }

  /** The host and port of {@code authority}, or null when it is no plain {@code host[:port]}. */
  Authority parse(String authority) {
    if (authority == null || authority.isEmpty() || authority.length() > 255) {
      return null;
    }
    Matcher m = AUTHORITY.matcher(authority.toLowerCase(Locale.ROOT));
    if (!m.matches() || !wellFormed(m.group(1))) {
      return null; // userinfo, IPv6 brackets, paths, percent-escapes or empty labels: never ours
    }
    int port = port(m.group(2));
    if (port < 0) {
      return null;
    }
    String host = m.group(1);
    return new Authority(host, port, port == defaultPort ? host : host + ":" + port);
  }

  private int port(String digits) {
    if (digits == null) {
      return defaultPort;
    }
    int port = Integer.parseInt(digits);
    return port >= 1 && port <= 65_535 ? port : -1;
  }

  /** Non-empty labels: no leading, trailing or doubled dot. */
  private static boolean wellFormed(String host) {
    return !host.isEmpty() && host.charAt(0) != '.' && host.charAt(host.length() - 1) != '.' && !host.contains("..");
  }

  @Override
  public String toString() {
    return String.join(",", written);
  }
}
