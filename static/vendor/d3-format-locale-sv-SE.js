/* The Swedish number and time formats for Vega (d3-format and d3-time-format locales sv-SE,
 * from d3-format 3.1.0 and d3-time-format 4.1.0, ISC licence, Copyright 2010-2021 Mike
 * Bostock), as globals for static/js/charts.js and static/js/dashboards.js. The same locale
 * is passed to vl-convert for the server-rendered SVG (samsyn/dashboards/charts.py). */
window.SAMSYN_CHART_LOCALES = {
  sv: {
    format: { decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", " kr"] },
    time: {
      dateTime: "%A den %d %B %Y %X",
      date: "%Y-%m-%d",
      time: "%H:%M:%S",
      periods: ["fm", "em"],
      days: ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
      shortDays: ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
      months: ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"],
      shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    },
  },
};
