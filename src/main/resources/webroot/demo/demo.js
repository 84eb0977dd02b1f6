/*
 * The demo storefront's own script: picks the shopper (?shopper=anonymous sends no cookies at all, as a first
 * visit or a crawler does; ?shopper=identified comes with the demo shopper's _kx link parameter; neither: this
 * browser's cookies), loads the banner snippet that way, and shows how the gateway answered the banner: whether the
 * shopper was identified and its segments (GET /v1/segments, asked the same way), X-Cache, the Server-Timing phases
 * and whether a CDN may keep the answer (Cache-Control). Text only: nothing from an answer is parsed as HTML.
 */
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var shopper = params.get('shopper') === 'anonymous' || params.get('shopper') === 'identified' ? params.get('shopper') : 'browser';
  var credentials = shopper === 'anonymous' ? 'omit' : 'include';
  var panel = document.getElementById('edge-answer');
  var bannerEl = document.getElementById('edge-banner');

  document.querySelectorAll('#shopper-switch a').forEach(function (a) {
    if (a.getAttribute('data-shopper') === shopper) a.setAttribute('aria-current', 'page');
  });

  function field(name) {
    return panel.querySelector('[data-field="' + name + '"]');
  }

  function show(name, text) {
    var el = field(name);
    el.textContent = text;
    return el;
  }

  // "identity;dur=0.04, memory;dur=0.01" -> one row per phase
  function showTiming(header) {
    var el = field('server-timing');
    el.textContent = '';
    if (!header) {
      el.textContent = '(none)';
      return;
    }
    var table = document.createElement('table');
    header.split(',').forEach(function (entry) {
      var parts = entry.trim().split(';');
      var dur = parts.filter(function (p) { return p.trim().indexOf('dur=') === 0; })[0];
      var row = table.insertRow();
      row.setAttribute('data-phase', parts[0].trim());
      row.insertCell().textContent = parts[0].trim();
      row.insertCell().textContent = dur ? dur.trim().slice(4) + ' ms' : '';
    });
    el.appendChild(table);
  }

  bannerEl.addEventListener('edge-recs:answer', function (e) {
    var d = e.detail;
    var h = d.headers;
    var banner = d.banner;
    show('x-cache', h['x-cache'] || '(none)');
    showTiming(h['server-timing']);
    var cc = h['cache-control'] || '(none)';
    show('cache-control', cc);
    var shared = /(^|,)\s*public\b/.test(cc);
    show('cdn', shared ? 'yes: the same for every anonymous visitor (ETag ' + (h.etag || '-') + ')'
      : 'no: it depends on this shopper (private)').setAttribute('data-shareable', shared ? 'true' : 'false');
    if (!banner) {
      show('banner', 'HTTP ' + d.status);
      return;
    }
    var a = banner.analytics || {};
    show('banner', (banner.personalized ? 'personalised' : 'not personalised')
      + (a.segmentName || a.segmentKey ? ' for segment ' + (a.segmentName || a.segmentKey) : '')
      + ', ' + (banner.products || []).length + ' products'
      + (banner.degraded && banner.degraded.length ? ', degraded: ' + banner.degraded.join(', ') : ''));
    // who the gateway took the shopper for, asked the same way (with the same cookies or none, the same _kx)
    var kx = params.get('_kx');
    fetch('/v1/segments' + (kx ? '?_kx=' + encodeURIComponent(kx) : ''), { credentials: credentials })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) {
          show('identified', 'unknown');
          show('segments', 'unknown');
          return;
        }
        show('identified', s.identified ? 'identified' : 'anonymous').setAttribute('data-identified', String(s.identified));
        show('segments', s.segments.length ? s.segments.join(', ') : '(none)');
      })
      .catch(function () { show('identified', 'unknown'); });
  });

  var snippet = document.createElement('script');
  snippet.src = '/assets/edge-recs.js';
  snippet.setAttribute('data-edge-base', '');
  if (credentials === 'omit') snippet.setAttribute('data-edge-credentials', 'omit');
  document.body.appendChild(snippet);
})();
