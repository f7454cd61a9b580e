// DEPOMI Learn service worker, release {{ version }}. Served by the application at /sw.js.
// One cache per release for the shell (stylesheet, scripts, icons), deleted when the next release
// activates; one cache per person and course for offline copies, named with an opaque key of the
// person, never served to anyone else, and deleted when they sign out or someone else signs in.
"use strict";
importScripts({{ store_url|tojson }});

var VERSION = {{ version|tojson }};
var SHELL_CACHE = "depomi-shell-" + VERSION;
var SHELL = {{ shell|tojson }};
var UNAVAILABLE = {{ unavailable_url|tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(SHELL);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("depomi-shell-") === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromPersonalCopy(url) {
  return DepomiStore.currentUser().then(function (user) {
    return user ? DepomiStore.match(user, url) : undefined;
  });
}

// Mark a page served from the phone so the page script says so ("offline copy of 3 December").
function asOfflineCopy(response) {
  var saved = response.headers.get("Date") || "";
  return response.text().then(function (html) {
    var body = html.replace(/<body([^>]*)>/, function (tag, attributes) {
      return "<body" + attributes + ' data-offline-copy="' + encodeURIComponent(saved) + '">';
    });
    var headers = new Headers(response.headers);  // the page's CSP and other headers stay
    headers.delete("Content-Length");
    return new Response(body, { status: 200, headers: headers });
  });
}

function navigate(request) {
  return fetch(request).then(function (response) {
    var user = response.headers.get("X-Depomi-User");
    var noted = user ? DepomiStore.noteUser(user) : Promise.resolve();
    if (user && response.ok && request.method === "GET") {
      // A page the person keeps offline is refreshed whenever they open it online.
      var copy = response.clone();
      noted = noted.then(function () { return DepomiStore.refresh(user, request.url, copy); });
    }
    return noted.then(function () { return response; }, function () { return response; });
  }, function (error) {
    if (request.method !== "GET") throw error;
    return fromPersonalCopy(request.url).then(function (copy) {
      return copy || fromPersonalCopy(new URL(UNAVAILABLE, self.location.origin).href);
    }).then(function (copy) {
      if (!copy) throw error;
      return asOfflineCopy(copy);
    });
  });
}

function fromAnyCopy(request) {
  return caches.match(request).then(function (hit) {
    return hit || fromPersonalCopy(request.url).then(function (copy) { return copy || fetch(request); });
  });
}

// "Mark as read" sent while the phone believes it is online but the network fails: kept in the
// queue like one made offline, and the learner is taken back to the module (its offline copy).
var READ = /^\/courses\/([^/]+)\/modules\/([^/]+)\/read$/;

function markReadLater(request, url) {
  var match = READ.exec(url.pathname);
  return fetch(request).catch(function (error) {
    return DepomiStore.currentUser().then(function (user) {
      if (!user) throw error;
      return DepomiStore.enqueue({ user: user, kind: "read", course: decodeURIComponent(match[1]),
        module: decodeURIComponent(match[2]), lang: url.searchParams.get("lang") || "", title: "" });
    }).then(function () {
      var back = request.referrer || url.pathname.replace(/\/read$/, "");
      return self.registration.sync ? self.registration.sync.register(DepomiStore.SYNC_TAG).then(
        function () { return Response.redirect(back, 303); },
        function () { return Response.redirect(back, 303); }) : Response.redirect(back, 303);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && request.method === "POST" && url.pathname === "/logout") {
    // Signing out removes this person's offline copies (their queued work stays until sent).
    event.respondWith(DepomiStore.forgetUser().then(function () { return fetch(request); }));
    return;
  }
  if (request.mode === "navigate" && request.method === "POST" && READ.test(url.pathname)) {
    event.respondWith(markReadLater(request, url));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0 && url.searchParams.has("v")) {
    event.respondWith(fromAnyCopy(request));  // fingerprinted: never changes under its URL
  } else if (/^\/courses\/[^/]+\/assets\/[0-9a-f]{64}\//.test(url.pathname)) {
    event.respondWith(fromAnyCopy(request));  // course images are named by their digest
  }
});

function syncAndTell() {
  return DepomiStore.sync().then(function () {
    return self.clients.matchAll({ type: "window" });
  }).then(function (windows) {
    windows.forEach(function (client) { client.postMessage("synced"); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === DepomiStore.SYNC_TAG) event.waitUntil(syncAndTell());
});
