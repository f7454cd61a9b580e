// Progressive enhancement for the course editor: check and preview as the author types
// (debounced, rendered by the server exactly as learners will see it), jump to a finding's line,
// insert question and image blocks at the cursor, upload an image without leaving the page (its
// Markdown lands at the cursor), and warn before leaving unsaved changes.
// Without JavaScript the "Check and preview" and "Save" buttons do the same work, and uploading
// posts the text along with the image so it comes back, unsaved, with the new image listed.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form || !window.fetch || !window.FormData) return;
  var text = document.getElementById("text");
  var preview = document.getElementById("preview");
  var cursor = form.querySelector(".cursor-position");
  var checkButton = form.querySelector(".check-button");
  var saved = text.value;
  var timer = null;
  var pending = null;
  var sequence = 0;

  if (checkButton) checkButton.hidden = true; // the preview follows the text by itself

  function csrfToken() {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function refresh() {
    timer = null;
    var mine = ++sequence;
    if (pending && pending.abort) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    preview.setAttribute("aria-busy", "true");
    var body = new FormData();
    body.append("path", form.elements.path.value);
    body.append("text", text.value);
    body.append("csrf_token", csrfToken());
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      signal: pending ? pending.signal : undefined,
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (data) {
      if (mine !== sequence) return; // an older answer arriving late
      preview.innerHTML = data.html; // rendered and sanitised by the server
      preview.setAttribute("aria-busy", "false");
    }).catch(function (error) {
      if (error && error.name === "AbortError") return;
      preview.setAttribute("aria-busy", "false");
      var summary = preview.querySelector(".preview-summary");
      if (summary) summary.textContent = form.dataset.offlineText;
    });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  }

  function lineStart(line) {
    var lines = text.value.split("\n");
    var offset = 0;
    for (var i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    return offset;
  }

  function goToLine(line) {
    var start = lineStart(line);
    var end = text.value.indexOf("\n", start);
    text.focus();
    text.setSelectionRange(start, end === -1 ? text.value.length : end);
    // Scroll the line into view: the textarea's own line height times the line number.
    var height = parseFloat(getComputedStyle(text).lineHeight) || 20;
    text.scrollTop = Math.max(0, (line - 3) * height);
    showCursor();
  }

  function showCursor() {
    if (!cursor) return;
    var before = text.value.slice(0, text.selectionStart);
    var line = before.split("\n").length;
    var column = before.length - before.lastIndexOf("\n");
    cursor.textContent = form.dataset.cursorText
      .replace("{line}", String(line))
      .replace("{column}", String(column));
  }

  function insert(snippet) {
    var start = text.selectionStart;
    var end = text.selectionEnd;
    text.setRangeText(snippet, start, end, "end");
    text.focus();
    text.dispatchEvent(new Event("input", { bubbles: true }));
    showCursor(); // the caret moved without a key or a click
  }

  function listImage(name, markdown) {
    var list = form.querySelector(".image-snippets");
    if (!list) return;
    var row = document.createElement("div");
    row.className = "snippet";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "insert";
    button.dataset.snippet = markdown;
    button.textContent = name;
    var code = document.createElement("code");
    code.dir = "ltr";
    code.textContent = markdown;
    row.appendChild(button);
    row.appendChild(document.createTextNode(" "));
    row.appendChild(code);
    list.appendChild(row);
    list.hidden = false;
  }

  function uploadImage(button) {
    var input = form.querySelector("input[type=file][name=image]");
    var status = form.querySelector(".upload-status");
    if (!input || !input.files.length) return false; // the server explains what is missing
    var body = new FormData();
    body.append("image", input.files[0]);
    body.append("csrf_token", csrfToken());
    button.disabled = true;
    if (status) status.textContent = form.dataset.uploadingText;
    fetch(form.dataset.uploadUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      button.disabled = false;
      if (!result.ok) {
        if (status) status.textContent = result.data.error;
        return;
      }
      insert(result.data.markdown);
      listImage(result.data.name, result.data.markdown);
      input.value = "";
      if (status) status.textContent = result.data.message;
    }).catch(function () {
      button.disabled = false;
      if (status) status.textContent = form.dataset.uploadFailedText;
    });
    return true;
  }

  text.addEventListener("input", schedule);
  text.addEventListener("keyup", showCursor);
  text.addEventListener("click", showCursor);
  text.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { // save like any editor
      event.preventDefault();
      form.querySelector("button[value=save]").click();
    }
  });
  form.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target) return;
    if (target.classList.contains("goto")) goToLine(parseInt(target.dataset.line, 10));
    if (target.classList.contains("insert")) insert(target.dataset.snippet);
    if (target.classList.contains("upload-button") && uploadImage(target)) event.preventDefault();
  });
  form.addEventListener("submit", function () { saved = text.value; });
  window.addEventListener("beforeunload", function (event) {
    if (text.value === saved) return undefined;
    event.preventDefault();
    event.returnValue = form.dataset.unsavedText;
    return form.dataset.unsavedText;
  });

  var initial = parseInt(text.dataset.gotoLine, 10);
  if (initial > 0) goToLine(initial);
  else showCursor();
})();
