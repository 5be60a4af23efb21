/* Samsyn capture page: rate a lesson on a tablet or phone, online or not.
 *
 * Every change is kept at once in IndexedDB on this device and sent to the server as the whole
 * state of the observation (PUT /api/v1/observations/<uuid>, with the revision it was built on).
 * With no network the changes wait in IndexedDB and are sent when the network is back. The UUID
 * is made here, so a re-sent save is stored once. If another device saved in between, the
 * server answers 409 with both versions and the observer chooses. No device id or location is
 * collected. Submitting offline queues the submission (`submit_pending` in IndexedDB): it is
 * sent when the connection returns, by this page or by outbox.js on whichever page is open.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("capture-data").textContent);
  var labels = {};
  document.getElementById("t-labels").content.querySelectorAll("[data-key]").forEach(function (el) {
    labels[el.dataset.key] = el.textContent;
  });
  var framework = data.framework;
  var assignmentId = data.assignment.id;
  var mapKey = "samsyn.capture.a" + assignmentId;
  var DB_NAME = "samsyn-capture";
  var STORE = "observations";

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // ---------------------------------------------------------------- storage (IndexedDB)
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "uuid" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function dbGet(key) {
    return openDb().then(function (db) {
      return new Promise(function (resolve) {
        var req = db.transaction(STORE).objectStore(STORE).get(key);
        req.onsuccess = function () { resolve(req.result || null); };
        req.onerror = function () { resolve(null); };
      });
    }).catch(function () { return null; });
  }
  function dbPut(record) {
    return openDb().then(function (db) {
      return new Promise(function (resolve) {
        var tx = db.transaction(STORE, "readwrite");
        tx.objectStore(STORE).put(record);
        tx.oncomplete = function () { resolve(); };
        tx.onerror = function () { resolve(); };
      });
    }).catch(function () {});
  }

  // ---------------------------------------------------------------- state
  var state = {
    uuid: (data.observation && data.observation.uuid) || localStorage.getItem(mapKey) || uuid4(),
    revision: data.observation ? data.observation.revision : 0,
    status: data.observation ? data.observation.status : "draft",
    context: { subject: data.assignment.subject || "", grade: data.assignment.grade || "", group_size: null, minutes_observed: null, observed_on: data.today },
    ratings: {},
    dirty: false,
    changeCounter: 0,
    timer: { running: false, startedAt: null, elapsed: 0 },
    submitPending: false,
  };
  localStorage.setItem(mapKey, state.uuid);
  window.samsynCaptureUuid = state.uuid; // outbox.js leaves this one to this page

  function adoptServer(obs) {
    state.revision = obs.revision;
    state.status = obs.status;
    ["subject", "grade", "group_size", "minutes_observed", "observed_on"].forEach(function (k) {
      state.context[k] = obs[k] === undefined ? state.context[k] : obs[k];
    });
    state.ratings = {};
    obs.ratings.forEach(function (r) {
      state.ratings[r.dimension_id] = { step_id: r.step_id, not_observed: r.not_observed, criteria: r.criteria.slice(), note: r.note || "" };
    });
  }
  if (data.observation) adoptServer(data.observation);

  function payload() {
    var ratings = [];
    framework.dimensions.forEach(function (d) {
      var r = state.ratings[d.id];
      if (!r || (r.step_id == null && !r.not_observed && !r.note && !r.criteria.length)) return;
      if (r.step_id == null && !r.not_observed) return; // incomplete: kept locally until a step is chosen
      ratings.push({ dimension_id: d.id, step_id: r.step_id, not_observed: !!r.not_observed, criteria: r.criteria, note: r.note });
    });
    var c = state.context;
    return {
      base_revision: state.revision,
      assignment_id: assignmentId,
      subject: c.subject || "",
      grade: c.grade || "",
      group_size: c.group_size ? Number(c.group_size) : null,
      minutes_observed: c.minutes_observed ? Number(c.minutes_observed) : null,
      observed_on: c.observed_on || null,
      ratings: ratings,
    };
  }

  function persist() {
    return dbPut({ uuid: state.uuid, assignment_id: assignmentId, revision: state.revision, status: state.status,
                   context: state.context, ratings: state.ratings, dirty: state.dirty, saved_at: Date.now(),
                   payload: payload(), seq: state.changeCounter, submit_pending: state.submitPending });
  }
  function withLock(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("samsyn-observation-" + state.uuid, work);
    }
    return work();
  }

  // ---------------------------------------------------------------- sync
  var syncEl = document.getElementById("sync-state");
  function setSync(kind) {
    syncEl.dataset.state = kind;
    syncEl.textContent = labels[kind] || kind;
  }
  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  var inFlight = false;
  var timerHandle = null;
  function scheduleSync(delay) {
    clearTimeout(timerHandle);
    timerHandle = setTimeout(sync, delay === undefined ? 300 : delay);
  }

  function sync() {
    if (!state.dirty || inFlight || state.status !== "draft") return Promise.resolve();
    if (!navigator.onLine) { setSync(state.submitPending ? "queued" : "offline"); return Promise.resolve(); }
    inFlight = true;
    return withLock(function () {
      // Another tab's outbox may have sent this observation meanwhile: build on its revision.
      return dbGet(state.uuid).then(function (local) {
        if (local && local.revision > state.revision) {
          state.revision = local.revision;
          state.status = local.status;
        }
        if (state.status !== "draft") { inFlight = false; state.dirty = false; return null; }
        return put();
      });
    });
  }

  function put() {
    var sentCounter = state.changeCounter;
    var body = payload();
    setSync("saving");
    return fetch(data.api + state.uuid, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        inFlight = false;
        if (response.status === 200 || response.status === 201) {
          state.revision = json.revision;
          state.status = json.status;
          if (state.changeCounter === sentCounter) state.dirty = false;
          persist();
          setSync(state.dirty ? "saving" : "saved");
          if (state.dirty) scheduleSync(0);
          // "Submit" pressed while this save was on its way: submit now that all is saved.
          else if (state.submitPending && !submitting) submitQueued();
        } else if (response.status === 409) {
          showConflict(json);
        } else if (response.status === 422) {
          setSync("error");
          showProblems(json.errors ? Object.keys(json.errors).map(function (k) { return k + ": " + json.errors[k]; }) : [json.detail]);
        } else if (response.status === 401 || response.status === 403) {
          setSync("error");
          showProblems([json.detail || response.statusText]);
        } else {
          setSync("offline");
          scheduleSync(5000);
        }
      });
    }).catch(function () {
      inFlight = false;
      setSync("offline");
      scheduleSync(5000);
    });
  }

  window.addEventListener("online", function () {
    if (state.submitPending) submitQueued(); else scheduleSync(0);
  });
  window.addEventListener("offline", function () {
    if (state.submitPending) setSync("queued"); else if (state.dirty) setSync("offline");
  });
  setInterval(function () { if (state.dirty) sync(); }, 10000);

  function changed() {
    state.dirty = true;
    state.changeCounter += 1;
    persist();
    if (!navigator.onLine) setSync("offline");
    scheduleSync();
    updateTabs();
  }

  // ---------------------------------------------------------------- conflict
  var conflictEl = document.getElementById("conflict");
  var pendingServer = null;
  function describe(obs) {
    var byId = {};
    (obs.ratings || []).forEach(function (r) { byId[r.dimension_id] = r; });
    return framework.dimensions.map(function (d) {
      var r = byId[d.id];
      if (!r) return d.short_name + ": –";
      if (r.not_observed || r.step_id == null) return d.short_name + ": " + labels.not_observed;
      var step = d.steps.filter(function (s) { return s.id === r.step_id; })[0];
      return d.short_name + ": " + (step ? step.order + " " + step.label : "?");
    });
  }
  function fillList(el, items) {
    el.textContent = "";
    items.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; el.appendChild(li); });
  }
  function showConflict(json) {
    pendingServer = json.server;
    setSync("conflict");
    fillList(document.getElementById("conflict-yours"), describe(json.yours || payload()));
    fillList(document.getElementById("conflict-server"), describe(json.server));
    conflictEl.hidden = false;
    document.getElementById("keep-mine").hidden = json.reason === "locked";
    conflictEl.scrollIntoView();
  }
  document.getElementById("keep-mine").addEventListener("click", function () {
    state.revision = pendingServer.revision;
    conflictEl.hidden = true;
    changed();
  });
  document.getElementById("keep-server").addEventListener("click", function () {
    adoptServer(pendingServer);
    state.dirty = false;
    conflictEl.hidden = true;
    persist();
    render();
    setSync("saved");
  });

  // ---------------------------------------------------------------- rendering
  var container = document.getElementById("dimensions");
  var tabs = document.getElementById("dimension-tabs");
  var current = 0;
  var root = document.getElementById("capture");

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "class") e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function rating(dimId) {
    if (!state.ratings[dimId]) state.ratings[dimId] = { step_id: null, not_observed: false, criteria: [], note: "" };
    return state.ratings[dimId];
  }

  function renderDimension(d, index) {
    var r = state.ratings[d.id] || { step_id: null, not_observed: false, criteria: [], note: "" };
    var section = el("section", { class: "capture-dimension", id: "cd-" + d.id, "data-index": index, "aria-labelledby": "cdh-" + d.id });
    section.appendChild(el("h2", { id: "cdh-" + d.id }, (index + 1) + ". " + d.name));
    if (d.description) section.appendChild(el("p", { class: "muted dimension-description" }, d.description));
    var fieldset = el("fieldset", { class: "steps-choice" });
    fieldset.appendChild(el("legend", { class: "visually-hidden" }, d.name));
    d.steps.forEach(function (s) {
      var id = "s-" + s.id;
      var label = el("label", { class: "step-option", for: id });
      var input = el("input", { type: "radio", name: "dim-" + d.id, id: id, value: s.id });
      if (r.step_id === s.id) input.checked = true;
      input.addEventListener("change", function () {
        var rr = rating(d.id);
        rr.step_id = s.id; rr.not_observed = false;
        changed();
      });
      label.appendChild(input);
      label.appendChild(el("span", { class: "step-number" }, String(s.order)));
      label.appendChild(el("span", { class: "step-label" }, s.label));
      fieldset.appendChild(label);
    });
    var noId = "no-" + d.id;
    var noLabel = el("label", { class: "step-option not-observed", for: noId });
    var noInput = el("input", { type: "radio", name: "dim-" + d.id, id: noId, value: "not-observed" });
    if (r.not_observed) noInput.checked = true;
    noInput.addEventListener("change", function () {
      var rr = rating(d.id);
      rr.step_id = null; rr.not_observed = true;
      changed();
    });
    noLabel.appendChild(noInput);
    noLabel.appendChild(el("span", { class: "step-label" }, labels.not_observed));
    fieldset.appendChild(noLabel);
    section.appendChild(fieldset);

    var details = el("details", { class: "criteria-box" });
    details.appendChild(el("summary", {}, labels.criteria_seen));
    d.steps.forEach(function (s) {
      if (!s.criteria.length) return;
      details.appendChild(el("p", { class: "criteria-step" }, labels.step + " " + s.order + ": " + s.label));
      var ul = el("ul", { class: "criteria" });
      s.criteria.forEach(function (c) {
        var li = el("li");
        var cid = "c-" + c.id;
        var cb = el("input", { type: "checkbox", id: cid, value: c.id });
        if (r.criteria.indexOf(c.id) >= 0) cb.checked = true;
        cb.addEventListener("change", function () {
          var rr = rating(d.id);
          var i = rr.criteria.indexOf(c.id);
          if (cb.checked && i < 0) rr.criteria.push(c.id);
          if (!cb.checked && i >= 0) rr.criteria.splice(i, 1);
          changed();
        });
        var lab = el("label", { for: cid });
        lab.appendChild(cb);
        lab.appendChild(document.createTextNode(" " + c.text));
        li.appendChild(lab);
        ul.appendChild(li);
      });
      details.appendChild(ul);
    });
    if (r.criteria.length) details.open = true;
    section.appendChild(details);

    var noteId = "n-" + d.id;
    section.appendChild(el("label", { for: noteId }, labels.evidence));
    var note = el("textarea", { id: noteId, rows: "2", maxlength: "2000" });
    note.value = r.note || "";
    note.addEventListener("input", function () { rating(d.id).note = note.value; changed(); });
    section.appendChild(note);
    return section;
  }

  function updateTabs() {
    Array.prototype.forEach.call(tabs.children, function (li, i) {
      var d = framework.dimensions[i];
      var r = state.ratings[d.id];
      var done = r && (r.step_id != null || r.not_observed);
      li.classList.toggle("done", !!done);
      li.classList.toggle("current", i === current);
      var button = li.firstChild;
      button.setAttribute("aria-current", i === current ? "step" : "false");
      // The accessible name starts with the visible number (WCAG 2.5.3, label in name).
      button.setAttribute("aria-label", (i + 1) + ". " + d.name + (done ? " (" + labels.answered + ")" : ""));
    });
  }

  function show(index) {
    current = Math.max(0, Math.min(framework.dimensions.length - 1, index));
    Array.prototype.forEach.call(container.children, function (section, i) {
      section.hidden = root.dataset.mode === "paged" && i !== current;
    });
    document.getElementById("prev").disabled = current === 0;
    document.getElementById("next").disabled = current === framework.dimensions.length - 1;
    updateTabs();
  }

  function render() {
    container.textContent = "";
    tabs.textContent = "";
    framework.dimensions.forEach(function (d, i) {
      container.appendChild(renderDimension(d, i));
      var li = el("li");
      var b = el("button", { type: "button", class: "tab" }, String(i + 1));
      b.title = d.name;
      b.addEventListener("click", function () {
        show(i);
        if (root.dataset.mode !== "paged") document.getElementById("cd-" + d.id).scrollIntoView();
      });
      li.appendChild(b);
      tabs.appendChild(li);
    });
    var c = state.context;
    document.getElementById("ctx-subject").value = c.subject || "";
    document.getElementById("ctx-grade").value = c.grade || "";
    document.getElementById("ctx-group").value = c.group_size || "";
    document.getElementById("ctx-minutes").value = c.minutes_observed || "";
    show(current);
    if (state.status !== "draft") {
      root.querySelectorAll("input, textarea, #submit").forEach(function (e) { e.disabled = true; });
      setSync("submitted");
    }
  }

  [["ctx-subject", "subject"], ["ctx-grade", "grade"], ["ctx-group", "group_size"], ["ctx-minutes", "minutes_observed"]].forEach(function (pair) {
    document.getElementById(pair[0]).addEventListener("input", function (e) {
      state.context[pair[1]] = e.target.value;
      changed();
    });
  });
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });

  var modeToggle = document.getElementById("mode-toggle");
  modeToggle.checked = localStorage.getItem("samsyn.capture.mode") === "long";
  root.dataset.mode = modeToggle.checked ? "long" : "paged";
  modeToggle.addEventListener("change", function () {
    root.dataset.mode = modeToggle.checked ? "long" : "paged";
    localStorage.setItem("samsyn.capture.mode", root.dataset.mode);
    show(current);
  });

  document.addEventListener("keydown", function (e) {
    if (root.dataset.mode !== "paged" || /INPUT|TEXTAREA|SELECT/.test(e.target.tagName)) return;
    if (e.key === "ArrowRight") show(current + 1);
    if (e.key === "ArrowLeft") show(current - 1);
  });

  // ---------------------------------------------------------------- timer
  var timerEl = document.getElementById("timer");
  var timerButton = document.getElementById("timer-toggle");
  function elapsedSeconds() {
    var t = state.timer;
    return t.elapsed + (t.running ? (Date.now() - t.startedAt) / 1000 : 0);
  }
  function drawTimer() {
    var s = Math.floor(elapsedSeconds());
    timerEl.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
  }
  timerButton.addEventListener("click", function () {
    var t = state.timer;
    if (t.running) {
      t.elapsed = elapsedSeconds(); t.running = false;
      timerButton.textContent = labels.start_timer;
      var minutes = Math.max(1, Math.round(t.elapsed / 60));
      state.context.minutes_observed = minutes;
      document.getElementById("ctx-minutes").value = minutes;
      changed();
    } else {
      t.running = true; t.startedAt = Date.now();
      timerButton.textContent = labels.stop_timer;
    }
  });
  setInterval(drawTimer, 1000);

  // ---------------------------------------------------------------- submit
  function showProblems(lines) {
    var p = document.getElementById("submit-problems");
    p.textContent = lines.join(" · ");
    p.hidden = !lines.length;
  }
  document.getElementById("submit").addEventListener("click", function () {
    var missing = framework.dimensions.filter(function (d) {
      var r = state.ratings[d.id];
      return !r || (r.step_id == null && !r.not_observed);
    }).map(function (d) { return d.short_name; });
    if (missing.length) {
      showProblems([labels.not_observed + "? " + missing.join(", ")]);
      show(framework.dimensions.findIndex(function (d) { return d.short_name === missing[0]; }));
      return;
    }
    if (!window.confirm(labels.confirm_submit)) return;
    state.dirty = true;
    state.changeCounter += 1;
    state.submitPending = true;
    persist().then(submitQueued);
  });

  // Locked for editing once submitted here; "sent when you are online" until the server has it.
  function showQueued() {
    root.querySelectorAll("input, textarea, #submit").forEach(function (e) { e.disabled = true; });
    setSync("queued");
  }

  // One submission at a time: the "online" event, a finished save and the page's start may
  // each call submitQueued; only one of them posts.
  var submitting = false;
  function submitQueued() {
    showQueued();
    if (!navigator.onLine || submitting) return Promise.resolve();
    submitting = true;
    return sync().then(function () {
      if (state.dirty || !state.submitPending) return; // offline or conflict: the status says so
      return fetch(data.api + state.uuid + "/submit", {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        return response.json().then(function (json) {
          if (response.ok) {
            state.status = json.status;
            state.submitPending = false;
            persist().then(function () {
              window.location.href = data.detail_url.replace("00000000-0000-0000-0000-000000000000", state.uuid);
            });
          } else {
            state.submitPending = false;
            persist();
            root.querySelectorAll("input, textarea, #submit").forEach(function (e) { e.disabled = false; });
            setSync("error");
            showProblems(json.errors ? Object.values(json.errors) : [json.detail]);
          }
        });
      });
    }).catch(function () { setSync("queued"); }).then(function () { submitting = false; });
  }

  // ---------------------------------------------------------------- start
  dbGet(state.uuid).then(function (local) {
    // Unsent changes on this device win over the server copy they were built on.
    if (local && local.dirty && local.revision >= state.revision && local.status === "draft") {
      state.context = local.context;
      state.ratings = local.ratings;
      state.dirty = true;
      scheduleSync(0);
    }
    // Unsent changes built on an older revision: another device saved meanwhile. Nothing is
    // sent or submitted until the observer chooses between the two versions.
    if (local && local.dirty && local.revision < state.revision && local.status === "draft" && state.status === "draft") {
      var server = data.observation;
      state.context = local.context;
      state.ratings = local.ratings;
      state.revision = local.revision;
      state.dirty = true;
      state.submitPending = false;
      render();
      showConflict({ server: server, yours: payload(), reason: "" });
      return;
    }
    var queued = local && local.submit_pending && local.status === "draft" && state.status === "draft";
    if (queued) state.submitPending = true;
    render();
    if (queued) { submitQueued(); return; }
    setSync(state.dirty ? (navigator.onLine ? "saving" : "offline") : (state.revision ? "saved" : "saved"));
    if (!state.revision && !state.dirty) syncEl.textContent = syncEl.textContent;
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/capture-sw.js", { scope: "/" }).then(function (reg) {
      var sw = reg.active || reg.installing || reg.waiting;
      if (sw) sw.postMessage({ type: "precache", urls: [window.location.pathname] });
    }).catch(function () {});
  }
})();
