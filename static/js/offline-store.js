// What this phone keeps for offline learning, shared by the pages and the service worker:
// IndexedDB (work queued offline, offline courses, whose copies these are) and the caches that
// hold each person's course copies. Work queued offline is sent to /offline/sync with the id
// made here, so the server records each item once however many times it is sent.
(function (scope) {
  "use strict";
  var DB_NAME = "depomi-offline";
  var STORES = ["queue", "courses", "meta", "outcomes"];
  var KEYS = { queue: "id", courses: "key", meta: "k", outcomes: "id" };
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          STORES.forEach(function (name) {
            if (!request.result.objectStoreNames.contains(name)) {
              request.result.createObjectStore(name, { keyPath: KEYS[name] });
            }
          });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { opening = null; reject(request.error); };
      });
    }
    return opening;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result = work(tx.objectStore(store));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function get(store, key) { return run(store, "readonly", function (s) { return s.get(key); }); }
  function put(store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); }
  function remove(store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); }
  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }

  function uuid() {
    if (scope.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function prefix(user) { return "depomi-u-" + user + "-"; }

  function userCaches(user) {
    return caches.keys().then(function (names) {
      return names.filter(function (name) { return name.indexOf(prefix(user)) === 0; });
    });
  }

  function match(user, url) {
    return userCaches(user).then(function (names) {
      return names.reduce(function (found, name) {
        return found.then(function (hit) {
          return hit || caches.open(name).then(function (cache) { return cache.match(url); });
        });
      }, Promise.resolve(undefined));
    });
  }

  function refresh(user, url, response) {
    return userCaches(user).then(function (names) {
      return Promise.all(names.map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.match(url).then(function (hit) { if (hit) return cache.put(url, response.clone()); });
        });
      }));
    });
  }

  function dropCopies(user) {
    return userCaches(user).then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    }).then(function () { return all("courses"); }).then(function (rows) {
      return Promise.all(rows.filter(function (row) { return row.user === user; })
        .map(function (row) { return remove("courses", row.key); }));
    });
  }

  function currentUser() {
    return get("meta", "user").then(function (row) { return row ? row.v : ""; });
  }

  // The person using the phone now; when it changes, the previous person's copies go.
  function noteUser(user) {
    return currentUser().then(function (last) {
      var done = last && last !== user ? dropCopies(last) : Promise.resolve();
      return done.then(function () { return last === user ? undefined : put("meta", { k: "user", v: user }); });
    });
  }

  function forgetUser() {
    return currentUser().then(function (last) {
      return (last ? dropCopies(last) : Promise.resolve()).then(function () {
        return put("meta", { k: "user", v: "" });
      });
    });
  }

  function enqueue(item) {
    item.id = uuid();
    item.made_at = new Date().toISOString();
    return put("queue", item).then(function () { return item; });
  }

  function pending(user) {
    return all("queue").then(function (items) {
      return items.filter(function (item) { return item.user === user; });
    });
  }

  function outcomes(user) {
    return all("outcomes").then(function (rows) {
      return rows.filter(function (row) { return row.user === user; });
    });
  }

  function signedOut(response) {
    return response.status === 401 || response.redirected ||
      (response.headers.get("Content-Type") || "").indexOf("json") < 0;
  }

  function send() {
    return fetch("/offline/session", { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (signedOut(response)) return { signedOut: true };
      return response.json().then(function (session) {
        return noteUser(session.user).then(function () { return pending(session.user); }).then(function (items) {
          if (!items.length) return { sent: 0, results: [] };
          return fetch("/offline/sync", {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token },
            body: JSON.stringify({ items: items }),
          }).then(function (reply) {
            if (signedOut(reply)) return { signedOut: true };
            if (!reply.ok) return { error: reply.status };
            return reply.json().then(function (data) { return settle(items, data.results); });
          });
        });
      });
    });
  }

  function settle(items, results) {
    var byId = {};
    items.forEach(function (item) { byId[item.id] = item; });
    return Promise.all(results.map(function (result) {
      var item = byId[result.id];
      if (!item) return null;
      var row = Object.assign({}, result, { user: item.user, kind: item.kind, course: item.course,
        module: item.module, title: item.title, seen: false });
      return put("outcomes", row).then(function () { return remove("queue", item.id); }).then(function () { return row; });
    })).then(function (rows) { return { sent: rows.length, results: rows }; });
  }

  // One sync at a time on this phone (tabs and the worker); the server is safe either way.
  function sync() {
    var locks = scope.navigator && navigator.locks;
    return locks ? locks.request("depomi-sync", send) : send();
  }

  scope.DepomiStore = {
    SYNC_TAG: "depomi-sync",
    get: get, put: put, remove: remove, all: all, uuid: uuid,
    prefix: prefix, match: match, refresh: refresh, dropCopies: dropCopies,
    currentUser: currentUser, noteUser: noteUser, forgetUser: forgetUser,
    enqueue: enqueue, pending: pending, outcomes: outcomes, sync: sync,
  };
})(self);
