/* Peerline on a phone (issue 16 §4), on every page:
   1. registers the service worker (/sw.js) so that Peerline installs and its offline card
      (crisis lines, limits card, the on-call clinician) opens without a connection;
   2. keeps that card fresh while someone is signed in, and drops it on the sign-in page;
   3. on the contact log, keeps a contact saved without a connection on this phone (IndexedDB)
      and sends it when the connection returns, with a fresh CSRF token; the PSP sees that it
      is waiting. What waits is the form's answers only: non-identifying statistics (2011 §6.7).
   No inline JavaScript: CSP. */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="peerline-user"]');
  var owner = meta ? meta.getAttribute("content") : "";
  var REFRESH_EVERY_MS = 10 * 60 * 1000;

  /* 1 and 2: the service worker and its offline card. */
  function tellWorker(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    if (owner) {
      var last = Number(window.localStorage.getItem("peerline-card-saved") || 0);
      if (navigator.onLine && Date.now() - last > REFRESH_EVERY_MS) {
        window.localStorage.setItem("peerline-card-saved", String(Date.now()));
        tellWorker({ type: "refresh" });
      }
    } else if (!document.querySelector("[data-offline-card]")) {
      // Signed out (the sign-in page, say): the saved card goes too.
      window.localStorage.removeItem("peerline-card-saved");
      tellWorker({ type: "forget" });
    }
  }

  if (document.querySelector("[data-offline-card]")) {
    var note = document.getElementById("offline-note");
    var showOffline = function () { if (note) note.hidden = navigator.onLine; };
    window.addEventListener("online", showOffline);
    window.addEventListener("offline", showOffline);
    showOffline();
  }

  /* 3: the contact log's queue. */
  if (!("indexedDB" in window) || !owner) return;

  var DB = "peerline", STORE = "waiting-contacts";
  var form = document.querySelector("form[data-offline-queue]");
  var status = null;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function mine() {
    return withStore("readonly", function (store) { return store.getAll(); })
      .then(function (all) {
        return (all || []).filter(function (entry) { return entry.owner === owner; });
      });
  }

  function statusRegion() {
    if (status) return status;
    status = document.createElement("div");
    status.id = "waiting-contacts";
    status.className = "usa-alert usa-alert--warning usa-alert--slim margin-bottom-3";
    status.setAttribute("role", "status");
    status.hidden = true;
    status.innerHTML = '<div class="usa-alert__body"><p class="usa-alert__text"></p></div>';
    var main = document.getElementById("main-content");
    if (main) main.insertBefore(status, main.firstChild);
    return status;
  }

  function say(text, kind) {
    var region = statusRegion();
    region.className = "usa-alert usa-alert--" + (kind || "warning") +
      " usa-alert--slim margin-bottom-3";
    region.querySelector("p").textContent = text;
    region.hidden = !text;
  }

  function showWaiting() {
    return mine().then(function (waiting) {
      if (!waiting.length) return waiting;
      var n = waiting.length;
      say((n === 1 ? "1 contact is" : n + " contacts are") +
        " waiting on this phone to be sent. " +
        (navigator.onLine ? "Sending now…" : "It will be sent when the connection returns; keep Peerline open or open it again then."));
      return waiting;
    });
  }

  function fields(formElement) {
    var pairs = [];
    new FormData(formElement).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") pairs.push([name, String(value)]);
    });
    return pairs;
  }

  function queue(pairs) {
    return withStore("readwrite", function (store) {
      return store.add({ owner: owner, fields: pairs, queuedAt: Date.now() });
    });
  }

  /* A fresh form for a fresh CSRF token: the token on the page may be older than the session
     the phone has when the connection returns. */
  function freshToken(action) {
    return fetch(action, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("signed out");
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var input = page.querySelector('input[name="csrfmiddlewaretoken"]');
        if (!input) throw new Error("no token");
        return input.value;
      });
  }

  function post(action, pairs, token) {
    var body = new FormData();
    pairs.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("csrfmiddlewaretoken", token);
    return fetch(action, { method: "POST", body: body, credentials: "same-origin" });
  }

  var LOG_URL = "/contacts/log/", SAVED_URL = "/contacts/saved/";
  var flushing = false;

  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    var sent = 0, refused = 0;
    return mine().then(function (waiting) {
      if (!waiting.length) return;
      say(waiting.length === 1 ? "Sending the contact saved on this phone…" :
        "Sending the " + waiting.length + " contacts saved on this phone…");
      return freshToken(LOG_URL).then(function (token) {
        return waiting.reduce(function (chain, entry) {
          return chain.then(function () {
            return post(LOG_URL, entry.fields, token).then(function (response) {
              if (response.status >= 500) throw new Error("server error: keep it");
              if (new URL(response.url).pathname === SAVED_URL) sent += 1;
              else refused += 1;
              // Saved, or refused by Peerline (a closed month, say): either way it leaves.
              return withStore("readwrite", function (store) { return store.delete(entry.id); });
            });
          });
        }, Promise.resolve());
      });
    }).then(function () {
      if (sent || refused) {
        var text = sent ? (sent === 1 ? "The contact saved on this phone was sent and logged." :
          sent + " contacts saved on this phone were sent and logged.") : "";
        if (refused) {
          text += (text ? " " : "") + (refused === 1 ? "1 contact" : refused + " contacts") +
            " saved on this phone could not be logged (its month may have closed): log it again.";
        }
        say(text, refused ? "error" : "success");
      }
    }).catch(function () {
      return showWaiting();  // still offline, or signed out: it keeps waiting
    }).then(function () { flushing = false; });
  }

  function watchForm() {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      var pairs = fields(form);
      if (navigator.onLine) {
        // Online: the usual POST. If the connection drops on the way, the browser shows the
        // offline card; so send it ourselves and keep it if it does not arrive.
        event.preventDefault();
        var token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
        post(form.action, pairs, token).then(function (response) {
          if (new URL(response.url).pathname === SAVED_URL) {
            window.location.assign(response.url);
          } else {
            form.removeAttribute("data-offline-queue");
            HTMLFormElement.prototype.submit.call(form);  // the errors, as the server shows them
          }
        }).catch(function () {
          queue(pairs).then(function () { form.reset(); showWaiting(); window.dispatchEvent(new Event("pageshow")); });
        });
        return;
      }
      event.preventDefault();
      queue(pairs).then(function () {
        form.reset();
        window.dispatchEvent(new Event("pageshow"));  // the one-tap guard lets the next Save through
        window.scrollTo(0, 0);
        showWaiting();
      });
    });
  }

  // After contacts.js (deferred), whose one-tap guard must see the submit first.
  if (form && document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchForm);
  } else if (form) {
    watchForm();
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", showWaiting);
  showWaiting().then(flush);
})();
