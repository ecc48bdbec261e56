// SPARQL editor (/editor): YASGUI on /sparql, the preset examples as tabs, and a map of results
// that carry lat/long columns. Without JavaScript the page keeps its plain form posting to /sparql.
(function () {
  "use strict";
  var ID = "https://w3id.org/recueil-kg/id/";
  var LAT = /^(lat|latitude)$/i, LONG = /^(long|lon|lng|longitude)$/i;

  function docUrl(iri) { return iri.indexOf(ID) === 0 ? "/doc/" + iri.slice(ID.length) : iri; }

  var FR = (document.documentElement.lang || "fr") === "fr";

  // Labels YASGUI leaves out, and a "new tab" button outside the tab list (the built-in one, inside
  // role=tablist, is hidden: a tab list may only hold tabs).
  function accessible(box, yasgui) {
    function label() {
      Array.prototype.forEach.call(box.querySelectorAll("input.autocomplete:not([aria-label])"), function (el) {
        el.setAttribute("aria-label", FR ? "Point d'accès SPARQL" : "SPARQL endpoint");
      });
      Array.prototype.forEach.call(box.querySelectorAll(".CodeMirror textarea:not([aria-label])"), function (el) {
        el.setAttribute("aria-label", FR ? "Requête SPARQL" : "SPARQL query");
      });
      Array.prototype.forEach.call(box.querySelectorAll(".tabsList .tab input:not([aria-label])"), function (el) {
        el.setAttribute("aria-label", FR ? "Nom de l'onglet" : "Tab name");
      });
      Array.prototype.forEach.call(box.querySelectorAll("select.tableSizer:not([aria-label])"), function (el) {
        el.setAttribute("aria-label", FR ? "Lignes par page" : "Rows per page");
      });
      Array.prototype.forEach.call(box.querySelectorAll(".yasr th"), function (th) {
        if (th.textContent.trim() || th.querySelector(".visually-hidden")) return;
        var span = document.createElement("span");
        span.className = "visually-hidden";
        span.textContent = FR ? "N°" : "No.";
        th.appendChild(span);
      });
    }
    label();
    new MutationObserver(label).observe(box, {childList: true, subtree: true});
    var add = document.createElement("button");
    add.type = "button";
    add.className = "rkg-new-tab";
    add.textContent = FR ? "+ Nouvel onglet" : "+ New tab";
    add.addEventListener("click", function () { yasgui.addTab(true); });
    box.parentNode.insertBefore(add, box);
  }

  function start() {
    var box = document.getElementById("yasgui");
    if (!box || !window.Yasgui) return;
    var form = document.getElementById("plain-editor");
    var textarea = document.getElementById("editor-query");
    var endpoint = new URL(box.getAttribute("data-endpoint"), window.location.href).toString();
    var yasgui;
    try {
      yasgui = new Yasgui(box, {
        requestConfig: {endpoint: endpoint, method: "POST"},
        copyEndpointOnNewTab: true,
        populateFromUrl: false,
        persistenceId: "recueil-kg-editor",
        yasqe: {
          value: textarea.value,
          prefixCcApi: new URL(box.getAttribute("data-prefixes"), window.location.href).toString(),
          autocompleters: ["variables", "prefixes"]
        }
      });
    } catch (err) {
      if (window.console) console.error(err);
      return;  // the plain form stays
    }
    form.hidden = true;
    accessible(box, yasgui);

    function openQuery(name, query) {
      var tab = yasgui.addTab(true, {name: name});
      tab.setQuery(query);
      return tab;
    }
    if (box.getAttribute("data-given") === "true") {
      openQuery(box.getAttribute("data-tab-name") || "query", textarea.value);
    }
    Array.prototype.forEach.call(document.querySelectorAll("a.load-example"), function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        openQuery(a.getAttribute("data-name"), a.getAttribute("data-query"));
        box.scrollIntoView({behavior: "smooth"});
      });
    });

    var mapBox = document.getElementById("results-map-box"), map = null, layer = null;
    function draw(tab) {
      var yasr = tab && tab.getYasr && tab.getYasr();
      var results = yasr && yasr.results;
      var vars = results && results.getVariables ? results.getVariables() : [];
      var latVar = vars.filter(function (v) { return LAT.test(v); })[0];
      var longVar = vars.filter(function (v) { return LONG.test(v); })[0];
      if (!latVar || !longVar || !window.L) { mapBox.hidden = true; return; }
      var points = [];
      mapBox.hidden = false;
      if (!map) { map = RecueilMap.base(document.getElementById("results-map")); }
      if (layer) { map.removeLayer(layer); }
      layer = L.layerGroup().addTo(map);
      results.getBindings().forEach(function (b) {
        if (!b[latVar] || !b[longVar]) return;
        var lat = parseFloat(b[latVar].value), lng = parseFloat(b[longVar].value);
        if (!isFinite(lat) || !isFinite(lng)) return;
        var html = vars.filter(function (v) { return b[v] && v !== latVar && v !== longVar; }).map(function (v) {
          var t = b[v];
          var value = t.type === "uri" ? '<a href="' + RecueilMap.esc(docUrl(t.value)) + '">' + RecueilMap.esc(t.value) + "</a>" : RecueilMap.esc(t.value);
          return "<b>" + RecueilMap.esc(v) + "</b> " + value;
        }).join("<br>");
        var named = vars.filter(function (v) { return b[v] && b[v].type !== "uri" && v !== latVar && v !== longVar; })[0];
        var title = named ? b[named].value : lat + ", " + lng;
        L.marker([lat, lng], {icon: L.divIcon({className: "rkg-result-marker", iconSize: [16, 16]}), title: title, alt: title})
          .bindPopup(html).addTo(layer);
        points.push([lat, lng]);
      });
      map.invalidateSize();
      RecueilMap.fit(map, points);
    }
    yasgui.on("queryResponse", function (instance, tab) { window.setTimeout(function () { draw(tab); }, 0); });
    yasgui.on("tabSelect", function (instance, id) { window.setTimeout(function () { draw(yasgui.getTab(id)); }, 0); });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
