/* Workshop presentation (samsyn/workshops/templates/workshops/present.html): one slide at a
 * time, keyboard navigation (← → PageUp PageDown Home End; Esc leaves), the Fullscreen API on
 * the deck, and the slides' Vega-Lite charts drawn when first shown (a hidden element has no
 * width to draw in). Our Content Security Policy forbids eval and inline handlers: Vega runs
 * its expression interpreter and every listener is attached here. */
(function () {
  "use strict";

  var deck = document.getElementById("deck");
  if (!deck) {
    return;
  }
  var slides = Array.prototype.slice.call(deck.querySelectorAll("[data-slide]"));
  var position = document.getElementById("deck-position");
  var total = document.getElementById("deck-total");
  var fullscreenButton = document.getElementById("deck-fullscreen");
  var current = 0;

  function drawCharts(slide) {
    slide.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      if (element.hasAttribute("data-rendered") || typeof window.samsynChart === "undefined") {
        return;
      }
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source) {
        return;
      }
      element.setAttribute("data-rendered", "pending");
      var spec = JSON.parse(source.textContent);
      window.samsynChart(element, spec)
        .then(function () {
          element.setAttribute("data-rendered", "true");
        })
        .catch(function (error) {
          element.setAttribute("data-rendered", "error");
          element.setAttribute("data-error", String(error));
        });
    });
  }

  /* The chart partial's "Show as table" toggle (same markup as the dashboards' page). */
  function toggleTable(button) {
    var figure = button.closest(".dash-chart");
    var table = figure.querySelector(".dash-table");
    var drawing = figure.querySelector(".dash-drawing");
    var showTable = button.getAttribute("aria-pressed") !== "true";
    table.hidden = !showTable;
    drawing.hidden = showTable;
    button.setAttribute("aria-pressed", showTable ? "true" : "false");
    button.textContent = button.getAttribute(showTable ? "data-show-chart" : "data-show-table");
  }

  deck.querySelectorAll(".dash-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      toggleTable(button);
    });
  });

  function show(index, focus) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, i) {
      slide.hidden = i !== current;
      slide.classList.toggle("is-current", i === current);
    });
    position.textContent = String(current + 1);
    drawCharts(slides[current]);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + slides[current].id);
    }
    if (focus) {
      deck.focus({ preventScroll: true });
    }
  }

  function isTyping(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (deck.requestFullscreen) {
      deck.requestFullscreen().catch(function () {
        /* Refused (e.g. not allowed here): the deck still works in the window. */
      });
    }
  }

  document.addEventListener("fullscreenchange", function () {
    var on = document.fullscreenElement === deck;
    deck.classList.toggle("is-fullscreen", on);
    fullscreenButton.setAttribute("aria-pressed", on ? "true" : "false");
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (isTyping(event.target)) {
      if (event.key === "Escape") {
        event.target.blur();
        deck.focus({ preventScroll: true });
        event.preventDefault();
      }
      return;
    }
    switch (event.key) {
      case "ArrowRight":
      case "PageDown":
        show(current + 1, true);
        break;
      case "ArrowLeft":
      case "PageUp":
        show(current - 1, true);
        break;
      case "Home":
        show(0, true);
        break;
      case "End":
        show(slides.length - 1, true);
        break;
      case "Escape":
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else {
          window.location.assign(deck.getAttribute("data-exit-url"));
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  document.getElementById("deck-prev").addEventListener("click", function () {
    show(current - 1, false);
  });
  document.getElementById("deck-next").addEventListener("click", function () {
    show(current + 1, false);
  });
  fullscreenButton.addEventListener("click", toggleFullscreen);

  total.textContent = String(slides.length);
  deck.classList.add("is-ready");
  var start = slides.findIndex(function (slide) {
    return "#" + slide.id === window.location.hash;
  });
  show(start < 0 ? 0 : start, false);
})();
