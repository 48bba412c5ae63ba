/* Peerline's service worker (issue 16 §4). Served from /sw.js so that it controls the site.

   What it keeps: the design system's files, the icons and one page, the offline card (crisis
   lines, the limits of confidentiality, how to reach the on-call clinician), which holds nothing
   about the person signed in. Every other page goes to the network and is never stored: the
   server marks them no-store, and this worker keeps them out of its cache too.

   Without a connection, any page opened shows the offline card. */
"use strict";

var CACHE = "{{ version }}";
var OFFLINE_URL = "{{ offline_url }}";
var PRECACHE = {{ precache|safe }};
var STATIC_PREFIX = "{% load static %}{% get_static_prefix %}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return refreshOfflineCard(); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; })
        .map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* The offline card is saved only when the answer is the card itself: signed out, the server
   answers with the log-in page, which is never kept. */
function refreshOfflineCard() {
  return fetch(OFFLINE_URL, { credentials: "same-origin", cache: "no-store", redirect: "follow" })
    .then(function (response) {
      var url = new URL(response.url);
      if (!response.ok || response.redirected || url.pathname !== OFFLINE_URL) {
        return false;
      }
      return caches.open(CACHE).then(function (cache) {
        return cache.put(OFFLINE_URL, response).then(function () { return true; });
      });
    })
    .catch(function () { return false; });
}

function forgetOfflineCard() {
  return caches.open(CACHE).then(function (cache) { return cache.delete(OFFLINE_URL); });
}

self.addEventListener("message", function (event) {
  var kind = event.data && event.data.type;
  var done;
  if (kind === "refresh") {
    done = refreshOfflineCard();
  } else if (kind === "forget") {
    done = forgetOfflineCard();
  } else {
    return;
  }
  event.waitUntil(done.then(function (result) {
    if (event.source) {
      event.source.postMessage({ type: kind + "ed", result: result });
    }
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;  // a form's POST goes to the network; the contact log queues its own (offline.js)
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(OFFLINE_URL).then(function (card) {
          return card || new Response(
            "<!DOCTYPE html><title>Offline</title><h1>You are offline</h1>" +
            "<p>If someone is in danger, call 911.</p>",
            { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
          );
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0 && PRECACHE.indexOf(url.pathname) !== -1) {
    // The kept static files: from the network when there is one (so a new version shows at
    // once), else from the cache.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(request, { ignoreSearch: true });
      })
    );
  }
});
