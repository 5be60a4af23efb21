/* Samsyn outbox: observations saved or submitted on this device while offline are sent when
 * the connection returns, whichever Samsyn page is open then.
 *
 * The capture page keeps each observation in IndexedDB ("samsyn-capture"), with the payload
 * to send, `dirty` (changes not yet on the server) and `submit_pending` (the observer pressed
 * Submit offline). Here every such record, except the one the capture page in this tab is
 * editing (it sends its own), is sent: PUT the payload on the revision it was built on, then
 * POST submit. A Web Lock per observation keeps two tabs from sending the same one at once; the
 * server stores an observation once by its UUID and a second submit is not an error, so it is
 * submitted exactly once. Pages listen for the "samsyn:outbox" event to show what is waiting.
 */
(function () {
  "use strict";
  var DB_NAME = "samsyn-capture";
  var STORE = "observations";
  var API = "/api/v1/observations/";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "uuid" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function all() {
    return openDb().then(function (db) {
      return new Promise(function (resolve) {
        var req = db.transaction(STORE).objectStore(STORE).getAll();
        req.onsuccess = function () { resolve(req.result || []); };
        req.onerror = function () { resolve([]); };
      });
    }).catch(function () { return []; });
  }
  function get(uuid) {
    return openDb().then(function (db) {
      return new Promise(function (resolve) {
        var req = db.transaction(STORE).objectStore(STORE).get(uuid);
        req.onsuccess = function () { resolve(req.result || null); };
        req.onerror = function () { resolve(null); };
      });
    }).catch(function () { return null; });
  }
  // Change a stored record in one transaction: `change(record)` edits it in place.
  function update(uuid, change) {
    return openDb().then(function (db) {
      return new Promise(function (resolve) {
        var tx = db.transaction(STORE, "readwrite");
        var store = tx.objectStore(STORE);
        var req = store.get(uuid);
        req.onsuccess = function () {
          if (req.result) { change(req.result); store.put(req.result); }
        };
        tx.oncomplete = function () { resolve(); };
        tx.onerror = function () { resolve(); };
      });
    }).catch(function () {});
  }
  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function waiting(record) {
    return record && record.status === "draft" && (record.dirty || record.submit_pending) && !record.problem;
  }
  function withLock(uuid, work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("samsyn-observation-" + uuid, work);
    }
    return work();
  }

  // Send one record: its changes, then its submission. Resolves to nothing; the record in
  // IndexedDB says what happened.
  function send(uuid) {
    return withLock(uuid, function () {
      return get(uuid).then(function (record) {
        if (!waiting(record) || !navigator.onLine) return null;
        var step = Promise.resolve(true);
        if (record.dirty && record.payload) {
          var seq = record.seq;
          var body = Object.assign({}, record.payload, { base_revision: record.revision });
          step = fetch(API + uuid, {
            method: "PUT", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify(body),
          }).then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (json) {
              if (response.status === 200 || response.status === 201) {
                return update(uuid, function (r) {
                  r.revision = json.revision;
                  r.status = json.status;
                  if (r.seq === seq) r.dirty = false;
                }).then(function () { return true; });
              }
              if (response.status === 409 || response.status === 422 || response.status === 403) {
                // Needs the observer: the capture page shows both versions or the problem.
                return update(uuid, function (r) { r.problem = response.status; }).then(function () { return false; });
              }
              return false; // server or network trouble: try again later
            });
          });
        }
        return step.then(function (ok) {
          if (!ok) return null;
          return get(uuid).then(function (current) {
            if (!current || current.dirty || !current.submit_pending) return null;
            return fetch(API + uuid + "/submit", {
              method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() },
            }).then(function (response) {
              return response.json().catch(function () { return {}; }).then(function (json) {
                if (response.ok) {
                  return update(uuid, function (r) { r.status = json.status; r.submit_pending = false; });
                }
                if (response.status >= 400 && response.status < 500) {
                  return update(uuid, function (r) { r.problem = response.status; });
                }
                return null;
              });
            });
          });
        });
      });
    }).catch(function () { return null; });
  }

  var flushing = null;
  function flush() {
    if (flushing) return flushing;
    flushing = all().then(function (records) {
      var own = window.samsynCaptureUuid;
      var todo = records.filter(function (r) { return waiting(r) && r.uuid !== own; });
      if (!navigator.onLine || !todo.length) return records;
      return todo.reduce(function (chain, r) {
        return chain.then(function () { return send(r.uuid); });
      }, Promise.resolve()).then(all);
    }).then(function (records) {
      flushing = null;
      document.dispatchEvent(new CustomEvent("samsyn:outbox", { detail: { records: records } }));
      return records;
    }, function () { flushing = null; return []; });
    return flushing;
  }

  // Today's list and the other visit lists: "not sent yet" beside the visits that wait here.
  document.addEventListener("samsyn:outbox", function (event) {
    var byAssignment = {};
    event.detail.records.forEach(function (r) {
      if (waiting(r)) byAssignment[r.assignment_id] = r.submit_pending ? "submit" : "changes";
      else if (r.problem && r.status === "draft" && (r.dirty || r.submit_pending)) byAssignment[r.assignment_id] = "problem";
    });
    document.querySelectorAll("[data-outbox-assignment]").forEach(function (el) {
      var kind = byAssignment[el.dataset.outboxAssignment];
      el.querySelectorAll("[data-outbox-hint]").forEach(function (hint) {
        hint.hidden = hint.dataset.outboxHint !== kind;
      });
    });
  });

  window.samsynOutbox = { flush: send, flushAll: flush };
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { flush(); });
  setInterval(function () { if (navigator.onLine) flush(); }, 15000);
  flush();
})();
