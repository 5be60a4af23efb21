/* Samsyn service worker: keeps the observer's capture pages and their assets available offline.
 * Pages: network first, the cached copy when offline. Static files: cache first.
 * API calls are never cached: the capture page queues unsent changes in IndexedDB itself. */
"use strict";
var CACHE = "samsyn-capture-v1";
var CORE = ["/static/css/samsyn.css", "/static/js/capture.js", "/static/js/today.js", "/static/js/outbox.js", "/static/vendor/htmx-2.0.8.min.js", "/static/favicon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(CORE); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isCapturePage(url) {
  return /\/observations\/(capture\/\d+|today)\/$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        return response;
      });
    }));
  } else if (isCapturePage(url)) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) { return hit || Response.error(); });
    }));
  }
});

self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "precache") return;
  caches.open(CACHE).then(function (cache) {
    event.data.urls.forEach(function (path) {
      fetch(path, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) cache.put(path, response);
      }).catch(function () {});
    });
  });
});
