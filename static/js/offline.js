// Offline learning, as a progressive enhancement: registers the service worker, keeps courses on
// the phone ("Take this course offline"), says when a page is an offline copy, queues "mark as
// read" and offline quiz answers with an id made here, and sends them when the connection
// returns. Without JavaScript (or without service workers) every page works as before.
(function () {
  "use strict";
  var ui = document.getElementById("offline-ui");
  if (!ui || !("serviceWorker" in navigator) || !window.indexedDB || !window.caches) return;
  var Store = window.DepomiStore;
  var T = JSON.parse(ui.dataset.texts);
  var names = JSON.parse(ui.dataset.languageNames);
  var user = ui.dataset.user;
  var copyDate = document.body.dataset.offlineCopy;
  var main = document.getElementById("main");
  var READ = /\/courses\/([^/]+)\/modules\/([^/?]+)\/read/;

  navigator.serviceWorker.register("/sw.js", { scope: "/" });

  function say(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function kb(bytes) { return say(T.kilobytes, { size: Math.max(1, Math.round(bytes / 1024)) }); }
  // Morocco's own locales, as the server writes dates: دجنبر, not ديسمبر.
  var DATE_LOCALE = { ar: "ar-MA", fr: "fr-MA" }[document.documentElement.lang] || document.documentElement.lang;
  function day(date) {
    return new Intl.DateTimeFormat(DATE_LOCALE, { day: "numeric", month: "long" }).format(date);
  }
  function offline() { return Boolean(copyDate) || !navigator.onLine; }
  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text) node.textContent = text;
    return node;
  }
  function banner(text, kind, id) {
    var old = id && document.getElementById(id);
    var node = old || el("p", { class: "flash offline-banner flash-" + (kind || "info"), role: "status" });
    if (id) node.id = id;
    node.textContent = text;
    if (!old) main.insertBefore(node, main.firstChild);
    return node;
  }
  function title() {
    var h1 = document.querySelector("article h1, main h1");
    return h1 ? h1.textContent.trim() : "";
  }

  // Pages served from the phone, and links to pages that are not kept on it.
  function markOfflinePage() {
    if (copyDate) banner(say(T.copy_of, { date: day(new Date(decodeURIComponent(copyDate))) }), "info", "offline-copy");
    if (!offline() || !user) return;
    Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (link) {
      if (link.origin !== location.origin || link.getAttribute("href").charAt(0) === "#") return;
      Store.match(user, link.href).then(function (hit) {
        if (hit || link.classList.contains("needs-connection")) return;
        link.classList.add("needs-connection");
        // In the crowded header the note is for screen readers; the link is greyed for all.
        var note = link.closest("header") ? "visually-hidden" : "needs-connection-note";
        link.appendChild(el("span", { class: note }, " (" + T.needs_connection + ")"));
      });
    });
  }

  function queue(item) {
    item.user = user;
    return Store.enqueue(item).then(function (saved) {
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.sync) return registration.sync.register(Store.SYNC_TAG);
      }).catch(function () {});
      return saved;
    });
  }

  function enhanceModulePage() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      var read = READ.exec(form.getAttribute("action") || "");
      if (read) {
        var course = decodeURIComponent(read[1]), module = decodeURIComponent(read[2]);
        Store.pending(user).then(function (items) {
          if (items.some(function (i) { return i.kind === "read" && i.course === course && i.module === module; })) {
            form.replaceWith(el("p", { class: "done", role: "status" }, T.read_queued));
          }
        });
        form.addEventListener("submit", function (event) {
          if (!offline()) return;
          event.preventDefault();
          queue({ kind: "read", course: course, module: module, lang: document.querySelector("article[lang]").lang, title: title() })
            .then(function () { form.replaceWith(el("p", { class: "done", role: "status" }, T.read_queued)); });
        });
      } else if (form.hasAttribute("data-offline-quiz")) {
        form.addEventListener("submit", function (event) {
          if (!offline()) return;
          event.preventDefault();
          if (form.dataset.offlineQuiz) { location.href = form.dataset.offlineQuiz; return; }
          form.parentNode.insertBefore(el("p", { class: "flash flash-info", role: "status" }, T.quiz_needs_connection), form);
          form.querySelector("button").disabled = true;
        });
      }
    });
  }

  function answersOf(form) {
    var answers = {};
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-key]"), function (set) {
      var key = set.dataset.key, type = set.dataset.type;
      if (type === "multiple") {
        answers[key] = Array.prototype.map.call(set.querySelectorAll("input:checked"), function (i) { return i.value; });
      } else if (type === "single" || type === "true_false") {
        var chosen = set.querySelector("input:checked");
        if (chosen) answers[key] = chosen.value;
      } else {
        var input = set.querySelector("input[type=text]");
        if (input && input.value.trim()) answers[key] = input.value;
      }
    });
    return answers;
  }

  function showGrade(status, outcome) {
    status.textContent = "";
    if (outcome.status !== "graded") { status.textContent = problemText(outcome); return; }
    status.appendChild(document.createTextNode(
      say(T.quiz_graded, { percent: outcome.percent }) + " " + (outcome.passed ? T.passed : T.not_passed) + " "));
    status.appendChild(el("a", { href: outcome.result_url }, T.see_result));
  }

  function enhanceOfflineQuiz() {
    var form = document.getElementById("offline-quiz");
    if (!form) return;
    var status = form.querySelector(".offline-quiz-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.querySelector("button[type=submit]").disabled = true;
      queue({ kind: "quiz", course: form.dataset.course, module: form.dataset.module, lang: form.dataset.lang,
        answers: answersOf(form), title: form.dataset.title }).then(function (item) {
        status.textContent = T.quiz_queued;
        form.dataset.item = item.id;
        if (navigator.onLine) syncNow();
      });
    });
  }

  function problemText(outcome) {
    var values = { title: outcome.title || outcome.module };
    if (outcome.status === "module_gone") return say(T.problem_module_gone, values);
    if (outcome.status === "graded") return say(T.problem_unknown_questions, values);
    if (outcome.status === "not_enrolled") return say(T.problem_not_enrolled, values);
    if (outcome.status === "needs_connection") return say(T.problem_needs_connection, values);
    return say(T.problem_refused, values);
  }

  function showOutcomes(results) {
    var form = document.getElementById("offline-quiz");
    results.forEach(function (outcome) {
      if (form && form.dataset.item === outcome.id) showGrade(form.querySelector(".offline-quiz-status"), outcome);
    });
    return Store.outcomes(user).then(function (rows) {
      rows.forEach(function (row) {
        var problem = (row.status !== "graded" && row.status !== "recorded") ||
          (row.unknown_questions && row.unknown_questions.length);
        if (row.seen) return;
        if (!problem) {
          if (row.kind === "quiz") {  // the grade of answers given offline, shown once
            showGrade(banner("", "success", "offline-grade-" + row.id), row);
            row.seen = true;
            Store.put("outcomes", row);
          }
          return;
        }
        var node = banner(problemText(row), "error", "offline-problem-" + row.id);
        var dismiss = el("button", { type: "button", class: "link" }, T.dismiss);
        dismiss.addEventListener("click", function () {
          row.seen = true;
          Store.put("outcomes", row).then(function () { node.remove(); });
        });
        node.appendChild(document.createTextNode(" "));
        node.appendChild(dismiss);
      });
    });
  }

  function showPending(owner) {
    if (!owner) return Promise.resolve();
    return Store.pending(owner).then(function (items) {
      var old = document.getElementById("offline-pending");
      if (!items.length) { if (old) old.remove(); return; }
      var node = banner(say(T.pending, { count: items.length }), "info", "offline-pending");
      if (!user && navigator.onLine) {
        node.appendChild(document.createTextNode(" " + T.sign_in_to_send + " "));
        node.appendChild(el("a", { href: ui.dataset.loginUrl }, T.sign_in));
      }
    });
  }

  function syncNow() {
    return Store.currentUser().then(function (owner) {
      return Store.pending(user || owner);
    }).then(function (items) {
      return items.length ? Store.sync() : {};
    }).then(function (result) {
      return showOutcomes(result.results || []);
    }).catch(function () {}).then(function () {
      return user ? showPending(user) : Store.currentUser().then(showPending);
    });
  }

  // Course copies: download, size, progress, removal, and refresh when a new version appears.
  function download(bundle, progress) {
    var name = Store.prefix(user) + bundle.course + "-" + bundle.version;
    var done = 0, bytes = 0;
    return Store.noteUser(user).then(function () { return caches.open(name); }).then(function (cache) {
      return bundle.files.reduce(function (chain, file) {
        return chain.then(function () {
          return fetch(file.url, { credentials: "same-origin" }).then(function (response) {
            if (!response.ok || response.redirected) throw new Error(file.url);
            return response.clone().blob().then(function (blob) {
              bytes += blob.size;
              return cache.put(file.url, response);
            });
          }).then(function () {
            done += 1;
            if (progress) progress(done, bundle.files.length);
          });
        });
      }, Promise.resolve());
    }).then(function () {
      return caches.keys();
    }).then(function (keys) {
      var mine = Store.prefix(user) + bundle.course + "-";
      return Promise.all(keys.filter(function (key) { return key.indexOf(mine) === 0 && key !== name; })
        .map(function (key) { return caches.delete(key); }));
    }).then(function () {
      var row = { key: user + "|" + bundle.course, user: user, course: bundle.course, title: bundle.title,
        url: bundle.url, bytes: bytes, version: bundle.version, bundle: bundle.source, saved_at: new Date().toISOString() };
      return Store.put("courses", row).then(function () { return row; });
    }, function (error) {
      return caches.delete(name).then(function () { throw error; });
    });
  }

  function fetchBundle(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json().then(function (bundle) { bundle.source = url; return bundle; });
    });
  }

  function removeCourse(row) {
    return caches.keys().then(function (keys) {
      var mine = Store.prefix(user) + row.course + "-";
      return Promise.all(keys.filter(function (key) { return key.indexOf(mine) === 0; })
        .map(function (key) { return caches.delete(key); }));
    }).then(function () { return Store.remove("courses", row.key); });
  }

  function describe(row, container, after) {
    container.textContent = "";
    container.appendChild(el("p", { class: "done" }, say(T.on_phone, { size: kb(row.bytes), date: day(new Date(row.saved_at)) })));
    var remove = el("button", { type: "button" }, T.remove);
    remove.addEventListener("click", function () { removeCourse(row).then(after); });
    container.appendChild(remove);
    container.appendChild(document.createTextNode(" "));
    container.appendChild(el("a", { href: ui.dataset.listUrl }, T.list_link));
  }

  function offerDownload(panel, url) {
    fetchBundle(url).then(function (bundle) {
      panel.textContent = "";
      panel.appendChild(el("h2", {}, T.take_offline));
      var also = null;
      if (bundle.other_languages.length) {
        var label = el("label");
        also = el("input", { type: "checkbox", value: bundle.other_languages[0] });
        label.appendChild(also);
        label.appendChild(document.createTextNode(" " + say(T.also_in, { language: names[bundle.other_languages[0]] || bundle.other_languages[0] })));
        panel.appendChild(el("p")).appendChild(label);
      }
      var button = el("button", { type: "button", class: "primary" }, say(T.download_size, { size: kb(bundle.bytes) }));
      var status = el("p", { role: "status", class: "meta" });
      var bar = null;
      panel.appendChild(button); panel.appendChild(status);
      var chosen = bundle;
      if (also) also.addEventListener("change", function () {
        var target = also.checked ? url + (url.indexOf("?") < 0 ? "?" : "&") + "also=" + encodeURIComponent(also.value) : url;
        fetchBundle(target).then(function (other) {
          chosen = other;
          button.textContent = say(T.download_size, { size: kb(other.bytes) });
        });
      });
      button.addEventListener("click", function () {
        button.disabled = true;
        if (!bar) bar = panel.insertBefore(el("progress", { max: "1", value: "0", "aria-label": T.take_offline }), status);
        download(chosen, function (done, total) {
          bar.max = total; bar.value = done;
          status.textContent = say(T.downloading, { done: done, total: total });
        }).then(function (row) {
          describe(row, panel, function () { offerDownload(panel, url); });
        }, function () {
          status.textContent = T.download_failed;
          button.disabled = false;
        });
      });
    });
  }

  function enhanceCoursePanel() {
    var panel = document.getElementById("offline-course");
    if (!panel || !user) return;
    Store.get("courses", user + "|" + panel.dataset.course).then(function (row) {
      if (row) {
        panel.hidden = false;
        describe(row, panel, function () { offerDownload(panel, panel.dataset.bundle); });
      } else if (!offline()) {
        panel.hidden = false;
        offerDownload(panel, panel.dataset.bundle);
      }
    });
  }

  function enhanceList() {
    var list = document.getElementById("offline-list");
    if (!list || !user) return;
    Store.all("courses").then(function (rows) {
      rows = rows.filter(function (row) { return row.user === user; });
      document.getElementById("offline-empty").hidden = rows.length > 0;
      list.textContent = "";
      rows.forEach(function (row) {
        var item = el("section", { class: "card offline-course" });
        item.appendChild(el("h2")).appendChild(el("a", { href: row.url }, row.title));
        var panel = el("div");
        item.appendChild(panel);
        describe(row, panel, enhanceList);
        list.appendChild(item);
      });
    });
  }

  // On each connection, a copy whose course (or this release) changed is downloaded again.
  function refreshCopies(always) {
    var now = Date.now();
    return Store.get("meta", "checked").then(function (checked) {
      if (!always && checked && now - checked.v < 600000) return [];
      return Store.put("meta", { k: "checked", v: now }).then(function () { return Store.all("courses"); });
    }).then(function (rows) {
      return rows.filter(function (row) { return row.user === user; }).reduce(function (chain, row) {
        return chain.then(function () {
          return fetchBundle(row.bundle).then(function (bundle) {
            if (bundle.version === row.version) return;
            var note = banner(say(T.updating, { title: row.title }), "info", "offline-update-" + row.course);
            return download(bundle).then(function () { note.textContent = say(T.updated, { title: row.title }); });
          }).catch(function () {});
        });
      }, Promise.resolve());
    });
  }

  markOfflinePage();
  if (user) {
    enhanceModulePage();
    enhanceOfflineQuiz();
    enhanceCoursePanel();
    enhanceList();
  }
  if (!offline()) {
    (user ? Store.noteUser(user) : Promise.resolve()).then(syncNow).then(function () {
      if (user) return refreshCopies();
    });
  } else {
    showPending(user);
  }
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data === "synced") syncNow();  // the worker sent the queue (Background Sync)
  });
  window.addEventListener("online", function () {
    copyDate = "";
    syncNow().then(function () { if (user) return refreshCopies(true); });
  });
})();
