// Progressive enhancement for quiz pages: autosave answers as the learner goes, and show the
// time left. Without JavaScript the "Save" and "Submit" buttons do the same work.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector(".save-status");
  var timer = null;
  var submitting = false;

  function save() {
    timer = null;
    return fetch(form.dataset.saveUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      status.textContent = form.dataset.savedText;
    }).catch(function () {
      status.textContent = form.dataset.offlineText;
    });
  }

  function scheduleSave() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  form.addEventListener("change", scheduleSave);
  form.addEventListener("input", scheduleSave);
  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; } // a double click submits once
    submitting = true;
    if (timer) clearTimeout(timer);
  });

  var countdown = document.querySelector(".countdown");
  if (!countdown) return;
  var deadline = Date.parse(countdown.dataset.deadline);
  var left = countdown.querySelector(".countdown-left");
  function tick() {
    var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(seconds / 60);
    left.textContent = " " + minutes + ":" + String(seconds % 60).padStart(2, "0");
    if (seconds === 0) {
      if (!submitting) { submitting = true; form.submit(); }
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
