/* The observer's day: make today's capture pages available offline. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var urls = JSON.parse(document.getElementById("capture-urls").textContent);
  navigator.serviceWorker.register("/capture-sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (reg) {
    reg.active.postMessage({ type: "precache", urls: urls.concat([window.location.pathname]) });
    var note = document.getElementById("offline-ready");
    if (note && urls.length) note.hidden = false;
  }).catch(function () {});
})();
