/* soko handheld service worker, served as /hh-sw.js with SHELL (the
 * handheld page and the files it links, by content-hashed name) and
 * VERSION (a digest of them) written in front of this file, so a new soko
 * is a new worker: the browser installs it on the next online load and it
 * drops the old version's cache. It keeps /hh and /hh/dock working
 * through a Wi-Fi dead spot: a page is fetched from the network when there
 * is one (and kept), else from the cache; a content-hashed file never
 * changes, so the cache answers it first. The /ops API is never cached:
 * scans wait in scan.js's outbox instead. */
/* global SHELL, VERSION */
'use strict';
var CACHE = 'soko-hh-' + VERSION;
var PAGES = ['/hh', '/hh/dock'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('soko-hh-') === 0 && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (req.mode === 'navigate' && PAGES.indexOf(url.pathname) >= 0) {
    e.respondWith(fetch(req).then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        caches.open(CACHE).then(function (c) { return c.put(url.pathname, copy); });
      }
      return res;
    }, function () {
      return caches.open(CACHE).then(function (c) { return c.match(url.pathname); }).then(function (r) { return r || Response.error(); });
    }));
    return;
  }
  if (/^\/static\/.*\.[0-9a-f]{10}\.[a-z]+$/.test(url.pathname)) {
    e.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (r) {
        return r || fetch(req).then(function (res) {
          if (res.ok) c.put(req, res.clone());
          return res;
        });
      });
    }));
  }
});
