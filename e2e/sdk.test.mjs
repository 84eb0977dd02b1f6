// The official @klevu/core SDK (exact version pinned in package.json), configured only through its URL
// options, drives the gateway's Klevu-compatible routes over HTTPS (the gateway's TLS listener, with a
// throwaway certificate that this node process trusts through NODE_EXTRA_CA_CERTS, set by run.sh).
//
// Why node and not a page: the SDK's browser paths need only window/document/localStorage/sessionStorage and
// the _learnq queue (lib/dom-shim.mjs lists what it reads), node's fetch is the same WHATWG fetch the SDK
// calls in a browser, and a fetch recorder shows exactly what the SDK sent. What node cannot show (CORS,
// the browser's storage, sendBeacon) is checked by the same SDK build inside Chromium (sdk-browser.test.mjs);
// the gateway's own banner snippet in a page is browser.test.mjs.
import './lib/dom-shim.mjs';
import { installLearnq, recordFetches } from './lib/dom-shim.mjs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { delta, env, eventsOf, newExchangeId, simEvents, simStats, waitFor } from './lib/harness.mjs';

const exchangeId = newExchangeId('E2eSdk');
const learnqCalls = installLearnq(exchangeId);
const fetches = recordFetches();

// @klevu/core after the shim (its config.js reads window.KlevuConfig when first evaluated)
const sdk = await import('@klevu/core');
// KlevuUserSession is not exported by the package root; the same module instance, by its file URL, lets the
// test stop the SDK's refresh timers at the end (a 1-hour setTimeout would keep node alive)
const { KlevuUserSession } = await import(new URL('./node_modules/@klevu/core/dist/mjs/usersession.js', import.meta.url));

const tlsHost = new URL(env.gatewayTls).host;
const sdkConfig = {
  apiKey: env.apiKey,
  // search for non-KMC queries; the KMC query below takes its URL from the config's search.basePath instead
  url: `${env.gatewayTls}/klevu/search/${env.simHost}/cs/v2/search`,
  visitorServiceUrl: `${env.gatewayTls}/klevu/visitor/public/1.0`,
  recommendationsApiUrl: `${env.gatewayTls}/klevu/recommendations/`,
  eventsApiV2Url: `${env.gatewayTls}/klevu/analytics/collect`,
  // V1 events are not exercised; keep even their URL on the gateway so nothing could leave the machine
  eventsApiV1Url: `${env.gatewayTls}/klevu/analytics/`,
  enableKlaviyoConnector: true,
};
const sessionUrl = `${sdkConfig.visitorServiceUrl}/${env.apiKey}/session`;
// a list of its own: the browser check's k-demo-home must not have warmed the gateway's config cache
const RECS_KEY = 'k-e2e-sdk-home';
const REPLAY_LIST = 'e2e-pending-replay';

const sessionCalls = () => fetches.filter((c) => c.method === 'POST' && c.url === sessionUrl);
const bodyOf = (call) => JSON.parse(call.body);
let statsAtStart;
let sessionId;
let segments;
let recs;

function stopSdkTimers() {
  const session = KlevuUserSession.default;
  if (session?.timer) {
    clearTimeout(session.timer);
  }
}

/** A storefront page load: the page calls KlevuConfig.init; the SDK then sends the session with the connector. */
async function pageLoad() {
  stopSdkTimers();
  const before = sessionCalls().length;
  sdk.KlevuConfig.init(sdkConfig);
  await waitFor('the SDK session call of a page load', () => {
    const calls = sessionCalls();
    return calls.length > before && calls.slice(before).every((c) => c.status !== undefined || c.error);
  });
}

describe('@klevu/core pointed at the gateway', { timeout: 60_000 }, () => {
  before(async () => {
    statsAtStart = await simStats();
    // an analytics request left pending by an earlier page (the SDK keeps them in sessionStorage): at init
    // the SDK replays it as form data (sendBeacon in a browser, a FormData POST here), which carries no event
    sessionStorage.setItem('klevu-pending-analytics', JSON.stringify([{
      id: 'e2e001', url: sdkConfig.eventsApiV2Url,
      data: [{ event: 'view_recs_list', event_apikey: env.apiKey, event_data: { list_id: REPLAY_LIST, items: [{ item_id: 'x' }] } }],
    }]));
    sdk.KlevuConfig.init(sdkConfig);
  });

  after(() => {
    stopSdkTimers();
  });

  it('opens the session through the gateway with the Klaviyo connector and gets segments', async () => {
    segments = await waitFor('segments in the SDK session', () => {
      const s = KlevuUserSession.default?.getSegments();
      return s && s.length > 0 ? s : null;
    });
    assert.ok(learnqCalls.some((c) => c[0] === '_getIdentifiers'), 'the SDK asked _learnq for the identifiers');
    const calls = sessionCalls();
    assert.ok(calls.length >= 2, `the SDK made ${calls.length} session calls`);
    for (const call of calls) {
      assert.equal(call.status, 200, `session call answered ${call.status}`);
    }
    // first page view: no session yet, no connector (klaviyo.js is asked only once a session exists)
    const first = bodyOf(calls[0]);
    assert.equal(first.apiKey, env.apiKey);
    assert.equal(first.sessionId, undefined);
    assert.deepEqual(first.sessionInfo.connectorInfo, []);
    // then the same session with the shopper's exchange id
    const withConnector = bodyOf(calls[calls.length - 1]);
    assert.deepEqual(withConnector.sessionInfo.connectorInfo, [{ connectorType: 'klaviyo', exchangeId }]);
    sessionId = KlevuUserSession.default.sessionId;
    assert.match(sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(withConnector.sessionId, sessionId);
    assert.equal(localStorage.getItem('klevu-user-sessionId'), sessionId);
    assert.deepEqual(JSON.parse(localStorage.getItem('klevu-user-segmentInfo')).segments, segments);
    const expiry = Number(localStorage.getItem('klevu-user-session_expiry'));
    assert.ok(expiry > Date.now() + 25_000, 'the session expiry is in the future (ttl never 0)');
    // the gateway's own API sees the same shopper with the same segments
    const own = await (await fetch(`${env.gateway}/v1/segments?_kx=${encodeURIComponent(exchangeId)}`)).json();
    assert.equal(own.identified, true);
    assert.deepEqual([...own.segments].sort(), [...segments].sort());
  });

  it('costs one simulator session call per exchange id, however often the SDK asks', async () => {
    // every storefront page load re-inits the SDK, which sends the session with the connector again
    for (let i = 0; i < 4; i++) {
      await pageLoad();
    }
    // and a burst, as from several tabs at once
    await Promise.all(Array.from({ length: 5 }, () => KlevuUserSession.default.generateSession()));
    const withConnector = sessionCalls().filter((c) => bodyOf(c).sessionInfo.connectorInfo.length === 1);
    assert.ok(withConnector.length >= 10, `the SDK sent ${withConnector.length} session calls with the connector`);
    for (const call of withConnector) {
      assert.equal(call.status, 200);
    }
    assert.equal(KlevuUserSession.default.sessionId, sessionId, 'the shopper keeps one session');
    const d = delta(statsAtStart, await simStats());
    // one anonymous first-visit session (minted upstream) + one for the exchange id; nothing for the rest
    assert.equal(d.session, 2, `simulator session calls: ${d.session}`);
  });

  it('fetches a KMC recommendation whose search goes through the rewritten basePath over HTTPS', async () => {
    const before = await simStats();
    const response = await sdk.KlevuFetch(
      sdk.kmcRecommendation(RECS_KEY, { id: 'e2eRecs' }, sdk.sendRecommendationViewEvent()));
    recs = response.queriesById('e2eRecs');
    const { kmcConfig } = recs.getQueryParameters();
    assert.equal(kmcConfig.search.basePath, `${tlsHost}/klevu/search/${env.simHost}/cs/v2/search`);
    assert.ok(recs.records.length > 0, 'products came back');
    for (const record of recs.records) {
      assert.ok(record.id && record.name, `record ${JSON.stringify(record)} has an id and a name`);
    }
    // personalised: the SDK put the session's segments in sids, Klevu's config answered for one of them
    assert.ok(segments.includes(kmcConfig.metadata.segmentKey), `segmentKey ${kmcConfig.metadata.segmentKey}`);
    const configCall = fetches.find((c) => c.url.startsWith(`${sdkConfig.recommendationsApiUrl}${env.apiKey}/settings/${RECS_KEY}`));
    assert.equal(configCall.status, 200);
    assert.equal(new URL(configCall.url).searchParams.get('sids'), segments.join(','));
    const searchCall = fetches.find((c) => c.method === 'POST' && c.url === `https://${kmcConfig.search.basePath}`);
    assert.ok(searchCall, 'the SDK posted the search to https://<basePath>');
    assert.equal(searchCall.status, 200);
    assert.deepEqual(bodyOf(searchCall).context.apiKeys, [env.apiKey]);
    const d = delta(before, await simStats());
    assert.equal(d.config, 1, `simulator config calls: ${d.config}`);
    assert.equal(d.search, 1, `simulator search calls: ${d.search}`);
  });

  it('delivers the SDK view and click events to Klevu with the shopper session id', async () => {
    const clicked = recs.records[0];
    // the SDK's own click API of a KMC result (KlevuEvents.recommendationClick underneath)
    recs.recommendationClickEvent({ productId: clicked.id });
    const query = { listId: RECS_KEY, sessionId };
    const [views, clicks] = await waitFor('view_recs_list and select_recs_list at the simulator', async () => {
      const all = await simEvents();
      const v = eventsOf(all, { ...query, event: 'view_recs_list' });
      const c = eventsOf(all, { ...query, event: 'select_recs_list' });
      return v.length > 0 && c.length > 0 ? [v, c] : null;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    assert.equal(views.length, 1);
    assert.equal(clicks.length, 1);
    const view = views[0];
    assert.equal(view.event_apikey, env.apiKey);
    assert.deepEqual(view.event_data.items.map((i) => i.item_id), recs.records.map((r) => r.id));
    assert.ok(segments.includes(view.event_data.segment_id));
    const click = clicks[0];
    assert.equal(click.event_data.items.length, 1);
    assert.equal(click.event_data.items[0].item_id, clicked.id);
    assert.equal(click.event_data.items[0].index, 1);
    const collects = fetches.filter((c) => c.url === sdkConfig.eventsApiV2Url && typeof c.body === 'string');
    assert.equal(collects.length, 2, 'one collect request per SDK event');
    for (const call of collects) {
      assert.equal(call.status, 200);
      assert.equal(JSON.parse(call.body)[0].user_profile.sessionId, sessionId);
    }
  });

  it('fetches a category recommendation with the SDK\'s "?&" query and a raw category path', async () => {
    const categoryPath = "Women's Shoes;Running";
    const response = await sdk.KlevuFetch(sdk.kmcRecommendation('k-e2e-sdk-category', { id: 'e2eCat', categoryPath }));
    const category = response.queriesById('e2eCat');
    const { kmcConfig } = category.getQueryParameters();
    assert.equal(kmcConfig.metadata.pageType, 'CATEGORY', 'the gateway passed cp on to Klevu');
    assert.ok(category.records.length > 0, 'products came back');
    // the SDK starts the query with "?&" and does not encode the path (fetch only turns the space into %20)
    const configCall = fetches.find((c) => c.url.includes('/settings/k-e2e-sdk-category'));
    assert.ok(configCall.url.includes(`/settings/k-e2e-sdk-category?&cp=${categoryPath}&sids=`), configCall.url);
    assert.equal(configCall.status, 200);
    const searchCall = fetches.filter((c) => c.method === 'POST' && c.url === `https://${kmcConfig.search.basePath}`).at(-1);
    assert.equal(bodyOf(searchCall).recordQueries[0].settings.query.categoryPath, categoryPath);
  });

  it('refuses the SDK replay of a pending event as form data cleanly, and the SDK forgets it', async () => {
    const replay = fetches.find((c) => c.url === sdkConfig.eventsApiV2Url && c.body instanceof FormData);
    assert.ok(replay, 'the SDK replayed the pending request');
    assert.equal(String(replay.body.get('0')), '[object Object]', 'the replay carries no event (the SDK bug)');
    assert.equal(replay.status, 415, 'refused (form data is no JSON), not a server error');
    assert.deepEqual(JSON.parse(sessionStorage.getItem('klevu-pending-analytics')), []);
    const all = await simEvents();
    assert.equal(all.filter((e) => e.event_data?.list_id === REPLAY_LIST).length, 0);
  });
});
