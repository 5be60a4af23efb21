/* One way to draw a Vega-Lite spec built in Python, shared by charts.js, dashboards.js and
 * workshop-present.js: `samsynChart(element, spec)` returns vega-embed's promise.
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

  /* Vega's own ARIA labels are English only, so the specs turn them off (config.aria and
   * config.mark.aria: false). The chart becomes one image named by its (translated)
   * description; its table carries the data. */
  function label(element, spec) {
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

  window.samsynChart = function (element, spec) {
    return vegaEmbed(element, spec, {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: vega.expressionInterpreter,
      defaultStyle: false,
      tooltip: false,
      formatLocale: locale("format"),
      timeFormatLocale: locale("time"),
    }).then(function (result) {
      label(element, spec);
      return result;
    });
  };
})();
