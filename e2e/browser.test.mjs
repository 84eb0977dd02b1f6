// Headless Chromium (Debian's, through playwright-core: no browser is downloaded) loads the gateway's demo
// storefront page as an identified shopper, sees the personalised banner, clicks a product, and the
// impression and the click reach the simulated Klevu. Then the page's shopper switch: an anonymous shopper (no
// cookies: a shareable answer) and an identified one, with the page showing how each banner was answered. Product
// images come from the simulator itself; every request that would leave the loopback interface is stopped and
// reported, and every image on the page must have loaded (naturalWidth > 0).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  chromiumLaunchOptions, delta, env, eventsOf, isLoopback, klaIdCookie, newExchangeId, outDir, simEvents,
  simStats, waitFor,
} from './lib/harness.mjs';

const RECS_KEY = 'k-demo-home';

const exchangeId = newExchangeId('E2eWeb');
let browser;
let context;
let page;
const blocked = [];
const pageErrors = [];
const eventPosts = [];
const recsAnswers = [];
const recsHeaders = [];
let statsAtStart;
let clickedId;

describe('the demo storefront page in headless Chromium', { timeout: 90_000 }, () => {
  before(async () => {
    statsAtStart = await simStats();
    browser = await chromium.launch(chromiumLaunchOptions());
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.addCookies([{
      name: '__kla_id', value: klaIdCookie(exchangeId), domain: '127.0.0.1', path: '/', sameSite: 'Lax',
    }]);
    await context.route('**/*', (route) => {
      const request = route.request();
      if (isLoopback(request.url())) {
        return route.continue();
      }
      blocked.push(`${request.method()} ${request.url()}`);
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') {
        pageErrors.push(`console: ${m.text()}`);
      }
    });
    page.on('response', async (response) => {
      if (response.url().includes('/v1/recommendations/')) {
        recsHeaders.push(await response.allHeaders().catch(() => ({})));
        recsAnswers.push(await response.json().catch(() => null));
      }
      if (response.url().endsWith('/v1/events') && response.request().method() === 'POST') {
        eventPosts.push({ status: response.status(), body: JSON.parse(response.request().postData() || 'null') });
      }
    });
    // a storefront link to a product navigates away; the check stays on the page (the gateway's snippet
    // sends its click with fetch keepalive, so it would survive the navigation anyway)
    await page.addInitScript(() => {
      document.addEventListener('click', (e) => {
        if (e.target instanceof Element && e.target.closest('a')) {
          e.preventDefault();
        }
      }, true);
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('renders the personalised banner for the shopper of the __kla_id cookie', async () => {
    await page.goto(`${env.gateway}/demo/`, { waitUntil: 'domcontentloaded', timeout: 15_000 });
    const banner = page.locator('#edge-banner');
    await page.waitForSelector('#edge-banner[data-personalized]', { timeout: 15_000 });
    assert.equal(await banner.getAttribute('data-personalized'), 'true',
      `personalised banner; the gateway answered ${JSON.stringify(recsAnswers.map((a) => a && { personalized: a.personalized, degraded: a.degraded }))}`);
    const items = banner.locator('li.edge-recs-item');
    const count = await items.count();
    assert.ok(count > 0, 'products are rendered');
    assert.ok((await banner.locator('.edge-recs-title').textContent()).trim().length > 0, 'the banner has a title');
    for (let i = 0; i < count; i++) {
      const item = items.nth(i);
      assert.ok(await item.getAttribute('data-product-id'));
      assert.ok((await item.locator('.edge-recs-name').textContent()).trim().length > 0);
      assert.ok((await item.locator('.edge-recs-price').textContent()).trim().length > 0);
    }
    // the impression is sent when the banner is shown
    await waitFor('the impression POST /v1/events', () => eventPosts.find((p) => p.body?.type === 'impression'));
    const impression = eventPosts.find((p) => p.body?.type === 'impression');
    assert.equal(impression.status, 202);
    assert.equal(impression.body.items.length, count);
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(outDir, 'demo-page.png'), fullPage: true });
  });

  it('sends the click of a product and both events reach Klevu with the gateway session', async () => {
    const first = page.locator('#edge-banner li.edge-recs-item').first();
    clickedId = await first.getAttribute('data-product-id');
    await first.locator('a').click();
    await waitFor('the click POST /v1/events', () => eventPosts.find((p) => p.body?.type === 'click'));
    const click = eventPosts.find((p) => p.body?.type === 'click');
    assert.equal(click.status, 202);
    assert.equal(click.body.items[0].id, clickedId);
    assert.equal(page.url(), `${env.gateway}/demo/`, 'the page stayed where it was');

    // the gateway keeps the shopper's Klevu session in its edge_ks cookie and puts it on the page's events
    const sessionCookie = (await context.cookies(env.gateway)).find((c) => c.name === 'edge_ks');
    assert.ok(sessionCookie, 'the gateway set its session cookie');
    const sessionId = sessionCookie.value;
    const [view, select] = await waitFor(`view_recs_list and select_recs_list of session ${sessionId} at the simulator`, async () => {
      const all = await simEvents();
      const v = eventsOf(all, { event: 'view_recs_list', listId: RECS_KEY, sessionId })
        .find((e) => e.event_data.items?.some((i) => i.item_id === clickedId));
      const c = eventsOf(all, { event: 'select_recs_list', listId: RECS_KEY, sessionId })
        .find((e) => e.event_data.items?.[0]?.item_id === clickedId);
      return v && c ? [v, c] : null;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    assert.equal(select.event_data.items.length, 1);
    assert.equal(view.event_data.items.length, await page.locator('#edge-banner li.edge-recs-item').count());
    assert.ok(view.event_data.segment_id, 'the impression names the segment it was personalised for');
  });

  it('costs one simulator session call for the shopper across page views, and stays on loopback', async () => {
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#edge-banner[data-personalized="true"] li.edge-recs-item', { timeout: 15_000 });
    const d = delta(statsAtStart, await simStats());
    assert.equal(d.session, 1, `simulator session calls: ${d.session}`);
    assert.deepEqual(pageErrors, [], 'no script errors on the page');
    assert.deepEqual(blocked, [], 'nothing tried to leave the machine (images included)');
  });

  it('shows how the banner was answered, and no image on the page is broken', async () => {
    await page.waitForSelector('#edge-answer [data-field="identified"][data-identified]', { timeout: 15_000 });
    assert.equal(await fieldText('identified'), 'identified');
    assert.notEqual(await fieldText('segments'), '(none)', 'the identified shopper has segments');
    assert.match(await fieldText('x-cache'), /^(hit|miss|stale)/);
    assert.match(await fieldText('cache-control'), /private/);
    assert.equal(await page.getAttribute('#edge-answer [data-field="cdn"]', 'data-shareable'), 'false');
    assert.ok(await page.locator('#edge-answer [data-field="server-timing"] tr[data-phase]').count() > 0,
      'the Server-Timing phases are listed');
    await assertNoBrokenImage();
  });

  it('switches to an anonymous shopper: no cookie sent, a CDN may keep the answer, no Klevu session', async () => {
    const before = await simStats();
    const postsBefore = eventPosts.length;
    await followSwitch('anonymous');
    await page.waitForSelector('#edge-answer [data-field="identified"][data-identified]', { timeout: 15_000 });
    assert.equal(await fieldText('identified'), 'anonymous');
    assert.equal(await fieldText('segments'), '(none)');
    assert.equal(await page.getAttribute('#edge-banner', 'data-personalized'), 'false');
    assert.match(await fieldText('cache-control'), /^public, s-maxage=\d+/);
    assert.equal(await page.getAttribute('#edge-answer [data-field="cdn"]', 'data-shareable'), 'true');
    assert.match(await fieldText('x-cache'), /^(hit|miss)/);
    assert.ok(await page.locator('#edge-answer [data-field="server-timing"] tr[data-phase]').count() > 0);
    const answer = recsAnswers.at(-1);
    assert.equal(answer?.personalized, false);
    assert.equal(recsHeaders.at(-1)['set-cookie'], undefined, 'the shareable answer sets no cookie');
    await page.waitForSelector('#edge-banner li.edge-recs-item', { timeout: 15_000 });
    await assertNoBrokenImage();
    await page.screenshot({ path: join(outDir, 'demo-page-anonymous.png'), fullPage: true });
    // the banner costs no Klevu session; the page's impression, sent without cookies, names no visitor and gets one
    await waitFor('the anonymous impression', () => eventPosts.slice(postsBefore).find((p) => p.body?.type === 'impression'));
    const d = delta(before, await simStats());
    assert.equal(d.session, eventPosts.length - postsBefore,
      `Klevu sessions: ${d.session} for ${eventPosts.length - postsBefore} cookie-less event(s) and one banner`);
  });

  it('switches to the identified demo shopper and back to a personalised, private answer', async () => {
    await followSwitch('identified');
    await page.waitForSelector('#edge-answer [data-field="identified"][data-identified]', { timeout: 15_000 });
    assert.equal(await fieldText('identified'), 'identified');
    assert.notEqual(await fieldText('segments'), '(none)');
    assert.match(await fieldText('cache-control'), /private/);
    assert.equal(await page.getAttribute('#edge-answer [data-field="cdn"]', 'data-shareable'), 'false');
    await page.waitForSelector('#edge-banner li.edge-recs-item', { timeout: 15_000 });
    await assertNoBrokenImage();
    assert.deepEqual(pageErrors, [], 'no script errors on the page');
    assert.deepEqual(blocked, [], 'nothing tried to leave the machine');
  });
});

// the page's own switch link, followed (the init script keeps clicks on links from navigating)
async function followSwitch(shopper) {
  const href = await page.getAttribute(`#shopper-switch a[data-shopper="${shopper}"]`, 'href');
  await page.goto(new URL(href, page.url()).href, { waitUntil: 'domcontentloaded', timeout: 15_000 });
  assert.equal(await page.getAttribute(`#shopper-switch a[data-shopper="${shopper}"]`, 'aria-current'), 'page');
}

async function fieldText(name) {
  return (await page.locator(`#edge-answer [data-field="${name}"]`).textContent()).trim();
}

// every image loaded (lazy ones scrolled into view first): none points at a host that does not exist
async function assertNoBrokenImage() {
  const images = page.locator('img');
  const count = await images.count();
  assert.ok(count > 0, 'the page shows images');
  for (let i = 0; i < count; i++) {
    await images.nth(i).scrollIntoViewIfNeeded();
  }
  await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete), null, { timeout: 15_000 });
  const broken = await page.evaluate(() => Array.from(document.images)
    .filter((img) => !(img.naturalWidth > 0)).map((img) => img.currentSrc || img.src));
  assert.deepEqual(broken, [], 'no broken image');
}
