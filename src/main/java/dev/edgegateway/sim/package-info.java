/**
 * Simulator of the Klevu and Klaviyo upstreams (see {@code docs/upstream-apis.md}) for tests, demos and load
 * tests. One HTTP server serves the real upstream paths, so a client only changes its base URL.
 *
 * <h2>Starting it</h2>
 * <pre>{@code
 * SimulatorOptions opts = new SimulatorOptions().setPort(0)            // 0 = free port
 *     .setLatencyMs(Upstream.SEARCH, 40).setFault(Upstream.KLAVIYO, FaultMode.NONE);
 * SimulatorVerticle.start(vertx, opts).onSuccess(sim -> {
 *   sim.port(); sim.baseUrl();                                          // "http://127.0.0.1:41234"
 *   sim.state().count(SimCounter.SEARCH);                               // shared counters
 *   sim.state().setFault(Upstream.CONFIG, UpstreamFault.DEFAULT.withFault(FaultMode.DOWN));
 *   sim.close();
 * });
 * }</pre>
 * {@code SimulatorOptions.fromJson(json)} / {@code applyArgs(List.of("--port","8099","--latency","all=20"))}
 * build options from config or a command line. With {@code instances > 1} all instances share one port and one
 * {@link dev.edgegateway.sim.SimulatorState}. A single {@code new SimulatorVerticle(options, state)} can also be
 * deployed by hand; {@link dev.edgegateway.sim.SimulatorVerticle#actualPort()} gives its port after start.
 *
 * <h2>Upstream endpoints</h2>
 * <ul>
 *   <li>{@code POST /public/1.0/{apiKey}/session}: Klevu visitor (counter {@code session}, upstream {@code visitor})</li>
 *   <li>{@code GET /recommendations/{apiKey}/settings/{recsKey}?&cp=&pid=&gpid=&sids=}: config CDN
 *       ({@code config}); recsKey prefixes {@code hidden-}, {@code static-}, {@code threshold-} select branches, and
 *       {@code kmc.<PAGE>.<LOGIC>} fixes page type and logic</li>
 *   <li>{@code POST /cs/v2/search}: search ({@code search}); 413 above 8 KB</li>
 *   <li>{@code POST /analytics/collect}: analytics ({@code collect} requests, {@code events} events; upstream {@code stats})</li>
 * </ul>
 * The three Klevu endpoints are strict ({@code KlevuShapes}): a config query, search body or event that
 * {@code @klevu/core} 5.2 would not send gets 400, as a careful upstream would answer, so drift fails tests.
 * <ul>
 *   <li>{@code GET /api/profiles?filter=equals(_kx|email,"...")}, {@code POST /api/profile-import},
 *       {@code GET /api/profiles/{id}/segments}: Klaviyo ({@code profiles}, upstream {@code klaviyo}).
 *       Not found: emails ending {@code @unknown.test}, exchange ids not shaped {@code <IDENT>.<6 alnum>}.</li>
 * </ul>
 *
 * <h2>Control plane (same port)</h2>
 * <ul>
 *   <li>{@code GET /__sim/stats}: {@code {"session":n,"config":n,"search":n,"collect":n,"events":n,"profiles":n,
 *       "faulted":n,"rejected":n,"inFlight":{<upstream>:n},"inFlightMax":{<upstream>:n},"sessionsStored":n,"eventsStored":n}}</li>
 *   <li>{@code POST /__sim/reset}: zero counters/in-flight max, drop stored events, restart flaky alternation
 *       (sessions, imported profiles and faults are kept); answers the new stats</li>
 *   <li>{@code GET /__sim/config}: {@code {"sessionTtlSeconds":3600,"segmentSeed":0,"klaviyoRateLimitEnforced":false,
 *       "strictShapes":true (false: Klevu requests are not checked against @klevu/core's shapes),
 *       "upstreams":{"visitor":{"latencyMs":0,"jitterMs":0,"fault":"none","slowMs":5000,"retryAfterSeconds":1},
 *       "config":{..},"search":{..},"stats":{..},"klaviyo":{..}}}}</li>
 *   <li>{@code PUT /__sim/config}: partial patch of the above, all-or-nothing (400 on any invalid value); an
 *       upstream may be named under {@code upstreams} or at top level, {@code all} targets every upstream:
 *       {@code {"search":{"fault":"flaky"}}}, {@code {"upstreams":{"all":{"latencyMs":20}}}}. Answers the new config.</li>
 *   <li>{@code GET /__sim/events[?limit=n]}: stored analytics events (oldest first, newest 1000 by default)</li>
 *   <li>{@code GET /__sim/requests[?upstream=config|search|stats][&after=seq][&limit=n]}: the latest requests to the
 *       Klevu config, search and collect endpoints as they arrived (raw query, parsed body, trace id of their
 *       {@code traceparent}, status), oldest first; {@code seq} never restarts, so {@code after} is a cursor</li>
 *   <li>{@code GET /__sim/headers}: {@code {"traceparent":{"visitor":..,"config":..,"search":..,"stats":..,
 *       "klaviyo":..}}}, the W3C {@code traceparent} of the latest request to each upstream (null: none yet, or it
 *       sent none; several headers comma-joined); cleared by a reset</li>
 *   <li>{@code GET /__sim/health}: {@code {"status":"UP"}}</li>
 * </ul>
 *
 * <h2>Faults</h2>
 * {@code none}; {@code down} (connection closed at once, no answer); {@code slow} ({@code latencyMs + slowMs});
 * {@code error} (500); {@code flaky} (1st, 3rd, ... call since the mode was set: 503 + {@code Retry-After});
 * {@code throttle} (429 + {@code Retry-After}; Klaviyo's JSON:API {@code throttled} body on the Klaviyo paths);
 * {@code refuse} (TCP reset as the request arrives: the nearest to a refused connection on a port shared by all
 * upstreams); {@code hang} (never answered, held until the client gives up); {@code malformed} (200, JSON content
 * type, a body cut off half-way); {@code wrongshape} (200, valid JSON without any of the answer's fields).
 * Latency is applied with {@code vertx.setTimer}, never blocking. Every request that reaches an upstream handler
 * is counted, faulted ones included. Exchange ids and emails are never logged.
 */
package dev.edgegateway.sim;
