/* Samsyn service worker: keeps the observer's capture pages and their assets available offline.
 * Pages: network first, the cached copy when offline. Static files: cache first.
 * API calls are never cached: the capture page queues unsent changes in IndexedDB itself.
 *
 * The server puts self.SAMSYN_STATIC = {version, core} before this file (samsyn/lib/staticfiles.py):
 * the version changes with any static file, so a deploy gives the browser a new worker; the
 * cache is named after it, and activation moves the cached capture pages into the new cache
 * (fetched anew) and deletes every older cache, with the old versions of the files. */
"use strict";
var STATIC = self.SAMSYN_STATIC || { version: "unversioned", core: [] };
var PREFIX = "samsyn-capture-";
var CACHE = PREFIX + STATIC.version;
var CORE = STATIC.core;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(CORE); }).then(function () { return self.skipWaiting(); }));
});

// The capture pages an older worker kept, fetched again into this version's cache (best effort:
// they name the new files), before the older caches go.
function carryPagesOver(oldKeys) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(oldKeys.map(function (key) {
      return caches.open(key).then(function (old) { return old.keys(); }).then(function (requests) {
        return Promise.all(requests.filter(function (request) {
          return isCapturePage(new URL(request.url));
        }).map(function (request) {
          return fetch(request.url, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && !response.redirected) return cache.put(request.url, response);
          }).catch(function () {});
        }));
      });
    }));
  });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      var old = keys.filter(function (k) { return k !== CACHE && k.indexOf(PREFIX) === 0; });
      return carryPagesOver(old).then(function () {
        return Promise.all(old.map(function (k) { return caches.delete(k); }));
      });
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
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
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
