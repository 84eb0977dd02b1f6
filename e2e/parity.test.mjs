// Parity with the SDK (issue 17): for the same shopper and the same page, @klevu/core 5.2.2 talking to the
// simulated Klevu directly, and the gateway's own /v1/* API (as a page using edge-recs.js would call it), must send
// Klevu the same things. The simulator records both sides (GET /__sim/requests, /__sim/events) and this check
// compares, for every page type and logic of the issue: the config request (path and query), the search body, and
// the analytics events (the banner view, and two product clicks that then feed RECENTLY_VIEWED and
// TRENDING_PERSONALIZED on both sides: the SDK's localStorage, the gateway's server-side list).
//
// Each side's calls carry a traceparent of their own (the gateway passes its request's trace on to every upstream
// call; the SDK's fetch is wrapped to add one), so the simulator's recordings split by side even if something else
// calls it meanwhile. Differences this check ignores, and why (VOLATILE below):
//  - user_profile.sessionId of the events: each side has its own Klevu session (two clients), both present;
//  - the order of the segment ids in the config query's sids: the gateway sends them sorted (the canonical order
//    its caches and Klevu's CDN share), the SDK in the order the session answered them; compared as sets.
// The SDK reaches the simulator over plain HTTP: kmcRecommendation posts to https://<basePath>, which the fetch
// wrapper sends to the same host and path over http (the simulator has no TLS); nothing else is changed.
import './lib/dom-shim.mjs';
import { installLearnq } from './lib/dom-shim.mjs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { env, klaIdCookie, newExchangeId, simEvents, simRequests, waitFor } from './lib/harness.mjs';

/** What the check ignores: named, so that a difference anywhere else fails it. */
const VOLATILE = {
  eventSession: 'user_profile.sessionId (each client has its own Klevu session)',
  sidsOrder: 'order of the ids in the config query\'s sids (the gateway sends them sorted)',
};

const exchangeId = newExchangeId('E2ePar');
installLearnq(exchangeId);
const run = randomBytes(4).toString('hex');
const simHost = env.simHost;

let traceId = null;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  let url = String(input);
  if (url.startsWith(`https://${simHost}/`)) {
    url = `http://${url.slice('https://'.length)}`;
  }
  const headers = { ...(init.headers || {}) };
  if (traceId) {
    headers.traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  }
  return realFetch(url, { ...init, headers: init.headers === undefined && !traceId ? undefined : headers });
};

const sdk = await import('@klevu/core');
const { KlevuUserSession } = await import(new URL('./node_modules/@klevu/core/dist/mjs/usersession.js', import.meta.url));

const newTrace = () => randomBytes(16).toString('hex');

/** The page types and logics of issue 17, each with its page context. */
const CASES = [
  { key: 'kmc.HOME.TRENDING', clicks: 2 },
  { key: 'kmc.HOME.RECENTLY_VIEWED' },
  { key: 'kmc.HOME.TRENDING_PERSONALIZED' },
  { key: 'kmc.CATEGORY.TRENDING', cp: "Women's Shoes;Running" },
  { key: 'kmc.CATEGORY.TRENDING_PERSONALIZED', cp: 'Women;Dresses' },
  { key: 'kmc.CATEGORY.NEWEST_ARRIVALS', cp: 'Men' },
  { key: 'kmc.CATEGORY.CUSTOM_LOGIC', cp: 'Kids;Shoes' },
  { key: 'kmc.PRODUCT.OTHER_ALSO_VIEWED', pid: '10001', gpid: '60000' },
  { key: 'kmc.PRODUCT.SIMILAR', pid: '10002', gpid: '60001' },
  { key: 'kmc.PRODUCT.BOUGHT_TOGETHER_PDP', pid: '10003', gpid: '60001' },
  { key: 'kmc.PRODUCT.CUSTOM_LOGIC', pid: '10004' },
  { key: 'kmc.PRODUCT.VISUALLY_SIMILAR', pid: '10005', gpid: '60002' },
  { key: 'kmc.CHECKOUT.BOUGHT_TOGETHER', cart: ['10010', '10011'] },
  { key: 'kmc.CHECKOUT.CUSTOM_LOGIC', cart: ['10012'] },
  { key: 'hidden-kmc.HOME.TRENDING', noSearch: true },
  { key: 'static-kmc.HOME.TRENDING', noSearch: true },
].map((c) => ({ ...c, recsKey: `${c.key}.${run}` }));

const sdkConfig = {
  apiKey: env.apiKey,
  url: `${env.sim}/cs/v2/search`,
  visitorServiceUrl: `${env.sim}/public/1.0`,
  recommendationsApiUrl: `${env.sim}/recommendations/`,
  eventsApiV2Url: `${env.sim}/analytics/collect`,
  eventsApiV1Url: `${env.sim}/analytics/`,
  enableKlaviyoConnector: true,
};

let segments;
let sdkSession;
/** The gateway's cookies for this shopper: klaviyo.js's __kla_id, then what the gateway sets. */
const jar = new Map([['__kla_id', klaIdCookie(exchangeId)]]);

async function gateway(path, { method = 'GET', body, trace } = {}) {
  const headers = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
  if (trace) {
    headers.traceparent = `00-${trace}-${randomBytes(8).toString('hex')}-01`;
  }
  if (body) {
    headers['content-type'] = 'application/json';
  }
  const res = await realFetch(env.gateway + path, { method, headers, body: body && JSON.stringify(body) });
  for (const set of res.headers.getSetCookie()) {
    const [pair] = set.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return { status: res.status, body: await res.json() };
}

function pageQuery(c) {
  const q = new URLSearchParams();
  if (c.pid) q.set('pid', c.pid);
  if (c.gpid) q.set('gpid', c.gpid);
  if (c.cp) q.set('cp', c.cp);
  if (c.cart) q.set('cart', c.cart.join(','));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function sdkOptions(c) {
  const o = {};
  if (c.cp) o.categoryPath = c.cp;
  if (c.pid) o.currentProductId = c.pid;
  if (c.gpid) o.itemGroupId = c.gpid;
  if (c.cart) o.cartProductIds = c.cart;
  return Object.keys(o).length ? o : undefined;
}

/** The items a page reports for the products the gateway returned: the products, with their position. */
const items = (products) => products.map((p, i) => ({ ...p, index: i + 1 }));

const recorded = async (cursor, trace, upstream) =>
  (await simRequests(cursor)).filter((r) => r.traceId === trace && r.upstream === upstream);

const maxSeq = async () => (await simRequests(0)).reduce((m, r) => Math.max(m, r.seq), 0);

const eventsFor = async (listId) => (await simEvents()).filter((e) => e.event_data?.list_id === listId);

function bySide(events) {
  const sdkSide = events.filter((e) => e.user_profile?.sessionId === sdkSession);
  const gwSide = events.filter((e) => e.user_profile?.sessionId !== sdkSession);
  return { sdkSide, gwSide };
}

const withoutSession = (e) => ({ ...e, user_profile: { ...e.user_profile, sessionId: '(volatile)' } });

function normalisedQuery(query) {
  if (query == null) return query;
  return query.split('&').map((part) => (part.startsWith('sids=')
    ? `sids=${part.slice(5).split(',').sort().join(',')}` : part)).join('&');
}

describe('@klevu/core against Klevu and the gateway\'s /v1 API send Klevu the same', { timeout: 180_000 }, () => {
  before(async () => {
    sdk.KlevuConfig.init(sdkConfig);
    segments = await waitFor('segments in the SDK session', () => {
      const s = KlevuUserSession.default?.getSegments();
      return s && s.length > 0 ? s : null;
    }, { timeoutMs: 20_000 });
    sdkSession = KlevuUserSession.default.sessionId;
  });

  after(() => {
    const session = KlevuUserSession.default;
    if (session?.timer) {
      clearTimeout(session.timer);
    }
  });

  for (const c of CASES) {
    it(`${c.key}${pageQuery(c)}: same config request, search and events`, async () => {
      const cursor = await maxSeq();
      // the SDK, as a storefront page calls it
      const sdkTrace = newTrace();
      traceId = sdkTrace;
      let sdkRecords = [];
      try {
        const res = await sdk.KlevuFetch(sdk.kmcRecommendation(c.recsKey, sdkOptions(c), sdk.sendRecommendationViewEvent()));
        // the SDK names a query it skips (hidden, static) kmcRecommendation, one it searches kmcrecommendation
        const query = res.queriesById(res.queryExists('kmcrecommendation') ? 'kmcrecommendation' : 'kmcRecommendation');
        sdkRecords = query?.records ?? [];
        for (let i = 0; i < (c.clicks ?? 0); i++) {
          query.recommendationClickEvent({ productId: sdkRecords[i].id });
        }
      } finally {
        traceId = null;
      }
      // the gateway, as edge-recs.js calls it for the same page
      const gwTrace = newTrace();
      const page = await gateway(`/v1/recommendations/${encodeURIComponent(c.recsKey)}${pageQuery(c)}`, { trace: gwTrace });
      assert.equal(page.status, 200);
      assert.deepEqual(page.body.degraded, [], `the gateway's page is not degraded: ${JSON.stringify(page.body)}`);
      const banner = page.body;
      const events = [];
      if (banner.products.length > 0) {
        assert.deepEqual(banner.products.map((p) => p.id), sdkRecords.map((r) => r.id), 'the same products');
        events.push({ type: 'impression', recsKey: c.recsKey, list: banner.analytics, items: items(banner.products) });
        for (let i = 0; i < (c.clicks ?? 0); i++) {
          events.push({ type: 'click', recsKey: c.recsKey, list: banner.analytics, items: [items(banner.products)[i]] });
        }
      } else if (banner.staticContent) {
        const image = banner.staticContent[0].image.find((im) => im.resolution === 'desktop') ?? banner.staticContent[0].image[0];
        events.push({ type: 'impression', recsKey: c.recsKey, list: banner.analytics,
          banner: { resolution: 'desktop', imageUrl: image.url, altTag: image.altTag } });
      }
      if (events.length > 0) {
        const posted = await gateway('/v1/events', { method: 'POST', body: { events } });
        assert.equal(posted.status, 202, JSON.stringify(posted.body));
      }

      // the config request
      const [sdkConfigCall] = await recorded(cursor, sdkTrace, 'config');
      const [gwConfigCall] = await recorded(cursor, gwTrace, 'config');
      assert.ok(sdkConfigCall && gwConfigCall, 'both sides asked for the config');
      assert.equal(gwConfigCall.path, sdkConfigCall.path);
      assert.equal(normalisedQuery(gwConfigCall.query), normalisedQuery(sdkConfigCall.query),
        `config query, apart from ${VOLATILE.sidsOrder}: SDK ${sdkConfigCall.query}, gateway ${gwConfigCall.query}`);
      assert.equal(gwConfigCall.status, 200);

      // the search
      const sdkSearch = await recorded(cursor, sdkTrace, 'search');
      const gwSearch = await recorded(cursor, gwTrace, 'search');
      assert.equal(gwSearch.length, sdkSearch.length, 'as many searches');
      assert.equal(sdkSearch.length, c.noSearch ? 0 : 1);
      if (!c.noSearch) {
        assert.deepEqual(gwSearch[0].body, sdkSearch[0].body, 'the same search body');
        assert.equal(gwSearch[0].status, 200);
      }

      // the events: the SDK's view (and clicks) and the page's through the gateway, at Klevu
      const expected = c.key.startsWith('hidden-') ? 0 : 1 + (c.clicks ?? 0);
      const { sdkSide, gwSide } = await waitFor(`${expected} events of each side for ${c.recsKey}`, async () => {
        const sides = bySide(await eventsFor(c.recsKey));
        return sides.sdkSide.length >= expected && sides.gwSide.length >= expected ? sides : null;
      }, { timeoutMs: 15_000, intervalMs: 150 });
      assert.equal(sdkSide.length, expected);
      assert.equal(gwSide.length, expected);
      for (const e of gwSide) {
        assert.ok(e.user_profile.sessionId, 'the gateway filled in its Klevu session');
      }
      const key = (e) => `${e.event}:${e.event_data.items?.[0]?.item_id ?? ''}`;
      const sort = (list) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
      assert.deepEqual(sort(gwSide).map(withoutSession), sort(sdkSide).map(withoutSession),
        `the same events apart from ${VOLATILE.eventSession}`);
    });
  }
});
