/* Draws a page's charts: each element with data-vega-spec names a json_script element
 * holding a Vega-Lite spec built in Python (e.g. samsyn/indicators/charts.py,
 * samsyn/coaching/charts.py). The dashboards have their own, with a table toggle.
 * Our Content Security Policy forbids eval, so Vega runs its expression interpreter
 * (ast: true + vega.expressionInterpreter), and vega-embed adds no inline styles or menus. */
(function () {
  "use strict";

  /* Axis labels in the page's language (Swedish decimal commas); the numbers in the spec
   * itself are never localised. */
  function locale(kind) {
    var all = window.SAMSYN_CHART_LOCALES || {};
    var lang = (document.documentElement.getAttribute("lang") || "").slice(0, 2);
    return all[lang] ? all[lang][kind] : undefined;
  }

  /* Vega's own ARIA labels are English only, so the specs turn them off (config.aria: false);
   * a few mark containers keep their roles without a name all the same. The chart becomes one
   * image named by its (translated) description; its table carries the data. */
  function labelChart(element, spec) {
    var svg = element.querySelector("svg");
    if (!svg) {
      return;
    }
    svg.querySelectorAll("[role], [aria-roledescription]").forEach(function (node) {
      node.removeAttribute("role");
      node.removeAttribute("aria-roledescription");
      node.removeAttribute("aria-label");
    });
    var title = spec.title && (spec.title.text || spec.title);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", spec.description || (typeof title === "string" ? title : ""));
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-vega-spec"));
    if (!source || typeof vegaEmbed === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    vegaEmbed(element, spec, {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: vega.expressionInterpreter,
      defaultStyle: false,
      tooltip: false,
      formatLocale: locale("format"),
      timeFormatLocale: locale("time"),
    })
      .then(function () {
        labelChart(element, spec);
        element.setAttribute("data-rendered", "true");
      })
      .catch(function (error) {
        element.setAttribute("data-error", String(error));
      });
  }

  document.querySelectorAll("[data-vega-spec]").forEach(draw);
})();
