/* Dashboard charts (samsyn/dashboards/templates/dashboards/_chart.html): draws every element
 * with data-vega-spec (a json_script id holding a Vega-Lite spec built in Python) and wires
 * the "Show as table" toggles. CSP forbids eval, so Vega runs its expression interpreter. */
(function () {
  "use strict";

  function draw(element) {
    if (element.getAttribute("data-rendered")) {
      return;
    }
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

  function toggle(button) {
    var figure = button.closest(".dash-chart");
    var table = figure.querySelector(".dash-table");
    var drawing = figure.querySelector(".dash-drawing");
    var showTable = button.getAttribute("aria-pressed") !== "true";
    table.hidden = !showTable;
    drawing.hidden = showTable;
    button.setAttribute("aria-pressed", showTable ? "true" : "false");
    button.textContent = button.getAttribute(showTable ? "data-show-chart" : "data-show-table");
  }

  function init(root) {
    root.querySelectorAll("[data-vega-spec]").forEach(draw);
    root.querySelectorAll(".dash-toggle").forEach(function (button) {
      if (button.getAttribute("data-wired")) {
        return;
      }
      button.setAttribute("data-wired", "true");
      button.addEventListener("click", function () {
        toggle(button);
      });
    });
  }

  init(document);
  document.addEventListener("htmx:afterSwap", function (event) {
    init(event.target);
  });
})();
