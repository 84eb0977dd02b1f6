/*
 * edge-recs.js: a dependency-free recommendations banner for storefront pages.
 * Usage: <div data-edge-recs="RECS_KEY" data-pid="" data-gpid="" data-cp="" data-cart=""></div>
 *        (data-cart: the cart's product ids, comma-separated, on a checkout page)
 *        <script src="https://EDGE_HOST/assets/edge-recs.js" data-edge-base="https://EDGE_HOST" defer></script>
 *        (data-edge-credentials="omit": send no cookies, as a cookie-less visitor whose banner a CDN may share)
 * Each banner's element gets an 'edge-recs:answer' event ({status, headers: {x-cache, server-timing,
 * cache-control, etag}, banner}) once the gateway answered, for pages that show how it was served.
 * It asks the gateway for the banner (one round trip: identity, segments, config and search happen there),
 * renders it with textContent only (remote data is never parsed as HTML), sends one impression when the
 * banner is shown and one click per product click.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = (script && script.getAttribute('data-edge-base')) || '';
  var credentials = script && script.getAttribute('data-edge-credentials') === 'omit' ? 'omit' : 'include';
  var SHOWN_HEADERS = ['x-cache', 'server-timing', 'cache-control', 'etag'];

  function safeUrl(value) {
    if (typeof value !== 'string') return null;
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function post(path, body) {
    return fetch(base + path, {
      method: 'POST', credentials: credentials, keepalive: true,
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    }).catch(function () { /* analytics never break the page */ });
  }

  // the product as the gateway returned it: the gateway reports it as @klevu/core would (a view its price, a click
  // its sale price)
  function item(product, index) {
    return { id: String(product.id), index: index + 1, name: product.name, price: product.price,
      salePrice: product.salePrice, currency: product.currency, brand: product.brand, itemGroupId: product.itemGroupId,
      variantId: product.variantId, category: product.category };
  }

  // a static-content banner: Klevu's image for the screen size, reported as the SDK reports it
  function renderStatic(el, banner) {
    var content = banner.staticContent[0] || {};
    var images = content.image || [];
    var resolution = window.matchMedia && window.matchMedia('(max-width: 768px)').matches ? 'mobile' : 'desktop';
    var image = images.filter(function (i) { return i.resolution === resolution; })[0] || images[0];
    var src = image && safeUrl(image.url);
    if (!src) {
      el.hidden = true;
      return;
    }
    var report = { resolution: image.resolution === 'mobile' ? 'mobile' : 'desktop', imageUrl: image.url,
      altTag: image.altTag || '' };
    var link = document.createElement('a');
    link.href = safeUrl(content.targetUrl) || '#';
    var img = document.createElement('img');
    img.src = src;
    img.alt = image.altTag || '';
    link.appendChild(img);
    link.addEventListener('click', function () {
      post('/v1/events', { type: 'click', recsKey: banner.recsKey, list: banner.analytics, banner: report });
    });
    el.appendChild(link);
    post('/v1/events', { type: 'impression', recsKey: banner.recsKey, list: banner.analytics, banner: report });
  }

  function render(el, banner) {
    el.textContent = '';
    el.setAttribute('data-personalized', banner.personalized ? 'true' : 'false');
    if (banner.staticContent && banner.staticContent.length > 0) {
      renderStatic(el, banner);
      return;
    }
    if (!banner.products || banner.products.length === 0) {
      el.hidden = true;
      return;
    }
    var title = document.createElement('h2');
    title.className = 'edge-recs-title';
    title.textContent = banner.title || 'Recommended for you';
    el.appendChild(title);
    var list = document.createElement('ul');
    list.className = 'edge-recs-list';
    banner.products.forEach(function (product, index) {
      var li = document.createElement('li');
      li.className = 'edge-recs-item';
      li.setAttribute('data-product-id', String(product.id));
      var link = document.createElement('a');
      link.href = safeUrl(product.url) || '#';
      var image = safeUrl(product.image);
      if (image) {
        var img = document.createElement('img');
        img.src = image;
        img.alt = product.name || '';
        img.loading = 'lazy';
        link.appendChild(img);
      }
      var name = document.createElement('span');
      name.className = 'edge-recs-name';
      name.textContent = product.name || '';
      link.appendChild(name);
      var price = document.createElement('span');
      price.className = 'edge-recs-price';
      price.textContent = [product.salePrice || product.price, product.currency].filter(Boolean).join(' ');
      link.appendChild(price);
      link.addEventListener('click', function () {
        post('/v1/events', { type: 'click', recsKey: banner.recsKey, list: banner.analytics, items: [item(product, index)] });
      });
      li.appendChild(link);
      list.appendChild(li);
    });
    el.appendChild(list);
    post('/v1/events', { type: 'impression', recsKey: banner.recsKey, list: banner.analytics,
      items: banner.products.map(item) });
  }

  function mount(el) {
    var key = el.getAttribute('data-edge-recs');
    if (!key) return Promise.resolve();
    var params = new URLSearchParams();
    ['pid', 'gpid', 'cp'].forEach(function (name) {
      var value = el.getAttribute('data-' + name);
      if (value) params.set(name, value);
    });
    if (el.hasAttribute('data-cart')) params.set('cart', el.getAttribute('data-cart'));
    var kx = new URLSearchParams(window.location.search).get('_kx');
    if (kx) params.set('_kx', kx);
    var query = params.toString();
    return fetch(base + '/v1/recommendations/' + encodeURIComponent(key) + (query ? '?' + query : ''), { credentials: credentials })
      .then(function (response) {
        return (response.ok ? response.json() : Promise.resolve(null)).then(function (banner) {
          var headers = {};
          SHOWN_HEADERS.forEach(function (name) { headers[name] = response.headers.get(name); });
          el.dispatchEvent(new CustomEvent('edge-recs:answer', { bubbles: true,
            detail: { status: response.status, headers: headers, banner: banner } }));
          return banner;
        });
      })
      .then(function (banner) { if (banner) render(el, banner); else el.hidden = true; })
      .catch(function () { el.hidden = true; });
  }

  function mountAll() {
    var all = document.querySelectorAll('[data-edge-recs]');
    return Promise.all(Array.prototype.map.call(all, mount));
  }

  window.EdgeRecs = { mount: mount, mountAll: mountAll };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mountAll);
  } else {
    mountAll();
  }
})();
