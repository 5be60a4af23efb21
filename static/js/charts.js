/* Draws a page's charts: each element with data-vega-spec names a json_script element
 * holding a Vega-Lite spec built in Python (e.g. samsyn/indicators/charts.py,
 * samsyn/coaching/charts.py). The dashboards have their own, with a table toggle.
 * Our Content Security Policy forbids eval, so Vega runs its expression interpreter
 * (ast: true + vega.expressionInterpreter), and vega-embed adds no inline styles or menus. */
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-vega-spec"));
    if (!source || typeof window.samsynChart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    window.samsynChart(element, spec)
      .then(function () {
        element.setAttribute("data-rendered", "true");
      })
      .catch(function (error) {
        element.setAttribute("data-error", String(error));
      });
  }

  document.querySelectorAll("[data-vega-spec]").forEach(draw);
})();
