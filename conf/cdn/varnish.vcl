# Varnish 7 in front of the edge gateway (README "Behind a CDN").
#
# - Keeps only what the gateway marks `Cache-Control: public` (the unsegmented banner of a page with no shopper
#   signal, the Klevu-compatible config), for its `s-maxage`; anything private or setting a cookie is never kept.
# - Passes every request with a shopper signal straight to the gateway: `_kx`, `edge_id`, `edge_ks`, or a
#   `__kla_id` cookie holding an exchange id. Every other cookie is dropped: a shared answer never depends on it.
# - Marketing parameters (`utm_*`, `gclid`, `fbclid`) leave the URL, so they neither split the cache nor reach the
#   gateway; `_kx` stays (it identifies the shopper).
# - `PURGE` with a `Surrogate-Key` header (what the gateway's `POST /cache/purge/{recsKey}` answers) bans its answers.
#
# Check: varnishd -C -f conf/cdn/varnish.vcl >/dev/null   (.ci/check-vcl)
vcl 4.1;

import cookie;
import std;

backend gateway {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 1s;
    .first_byte_timeout = 5s;
    .between_bytes_timeout = 5s;
    # any answer means the gateway is up: a path that is no route answers 404 at once, touching no upstream
    .probe = {
        .request = "GET /varnish-probe HTTP/1.1" "Host: localhost" "Connection: close";
        .expected_response = 404;
        .interval = 2s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
    }
}

# who may purge: the ops tooling, on this host
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.Surrogate-Key !~ "^[A-Za-z0-9_.:-]{1,160}$") {
            return (synth(400, "One Surrogate-Key, as the gateway's purge answered it"));
        }
        ban("obj.http.Surrogate-Key == " + req.http.Surrogate-Key);
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # only these routes can answer something shareable; the rest goes straight through
    if (req.url !~ "^/v1/recommendations/" && req.url !~ "^/klevu/recommendations/") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    if (req.url ~ "[?&](utm_[A-Za-z0-9_]*|gclid|fbclid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[A-Za-z0-9_]*|gclid|fbclid)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    set req.url = std.querysort(req.url);
    # a shopper signal: the answer is the shopper's own, never looked up here nor kept
    if (req.url ~ "[?&]_kx=") {
        return (pass);
    }
    if (req.http.Cookie) {
        cookie.parse(req.http.Cookie);
        if (cookie.isset("edge_id") || cookie.isset("edge_ks")) {
            return (pass);
        }
        # __kla_id is base64 of JSON: "exchange_id" in it encodes as one of these, whatever its offset
        if (cookie.get("__kla_id") ~ "ZXhjaGFuZ2VfaW|V4Y2hhbmdlX2lk|leGNoYW5nZV9pZ") {
            return (pass);
        }
    }
    # nothing else in the cookies changes a shared answer (it says Vary: Cookie): not in the key, not sent on
    unset req.http.Cookie;
    # past its s-maxage, an answer is served while one fetch refreshes it for the gateway's
    # stale-while-revalidate (EDGE_STALE_WHILE_REVALIDATE_S, 30 s by default); longer only while the gateway is down
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    return (hash);
}

sub vcl_backend_response {
    # the gateway decides: only an answer it marks public, setting no cookie, is kept
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "(^|,\s*)public(,|$)" || beresp.status >= 500) {
        set beresp.uncacheable = true;
        set beresp.ttl = 60s;
        return (deliver);
    }
    # s-maxage has set the TTL; stale-if-error bounds how long a stale answer may stand in for a gateway that is down
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1") + "s", 30s);
    } else if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+") {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control, "^.*stale-while-revalidate=([0-9]+).*$", "\1") + "s", 0s);
    }
    # kept a while longer to revalidate with its ETag (the gateway answers 304)
    set beresp.keep = 60s;
    return (deliver);
}

sub vcl_deliver {
    # what served the answer, for the load test's share and leak audit
    if (obj.uncacheable) {
        set resp.http.X-Varnish-Cache = "pass";
    } else if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "hit";
    } else {
        set resp.http.X-Varnish-Cache = "miss";
    }
}
