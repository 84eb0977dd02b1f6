package dev.edgegateway.recs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostAllowlistTest {
  private final HostAllowlist allowlist = new HostAllowlist(List.of("*.ksearchnet.com", "127.0.0.1:8099", " Search.Example.org "));

  @Test
  void allowsListedHostsSubDomainsOfWildcardsAndListedPorts() {
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com")).isTrue();
    assertThat(allowlist.allows("EUCS29V2.KSEARCHNET.COM:443")).isTrue();
    assertThat(allowlist.allows("127.0.0.1:8099")).isTrue();
    assertThat(allowlist.allows("search.example.org")).isTrue();
  }

  @Test
  void refusesEverythingElse() {
    assertThat(allowlist.allows("ksearchnet.com")).as("a wildcard is for sub-domains only").isFalse();
    assertThat(allowlist.allows("evilksearchnet.com")).isFalse();
    assertThat(allowlist.allows("127.0.0.1:8098")).as("another port of a host:port entry").isFalse();
    assertThat(allowlist.allows("127.0.0.1")).isFalse();
    assertThat(allowlist.allows("user@eucs29v2.ksearchnet.com")).isFalse();
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com/cs/v2/search")).isFalse();
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com%2f.evil.com")).isFalse();
    assertThat(allowlist.allows("[::1]:8099")).isFalse();
    assertThat(allowlist.allows("a." + "b".repeat(260) + ".ksearchnet.com")).isFalse();
    assertThat(allowlist.allows("")).isFalse();
    assertThat(allowlist.allows(null)).isFalse();
  }
}
