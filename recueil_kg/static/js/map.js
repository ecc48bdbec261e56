// Map of the experiences (/map) and small result maps (/editor), with the vendored Leaflet.
// Each experience marker is a Leaflet div icon: <div class="rkg-marker" data-experience="ID">.
(function () {
  "use strict";

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  // Country outlines served by the app itself (world-atlas, Natural Earth): the map stays readable
  // offline; OpenStreetMap tiles are drawn over them when the visitor's browser can reach them.
  function countries(map) {
    var url = document.documentElement.getAttribute("data-countries") ||
      (document.querySelector("script[src*='js/map.js']") || {src: ""}).src.replace(/js\/map\.js.*$/, "vendor/world-atlas/countries-50m.json");
    if (!window.topojson || !url) return;
    fetch(url).then(function (r) { return r.json(); }).then(function (topo) {
      L.geoJSON(window.topojson.feature(topo, topo.objects.countries), {
        style: {color: "#666", weight: 1, fillColor: "#f3f1ea", fillOpacity: 1},
        interactive: false
      }).addTo(map).bringToBack();
    });
  }

  function base(el) {
    var map = L.map(el, {scrollWheelZoom: false});
    countries(map);
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    }).addTo(map);
    return map;
  }

  function icon() {
    return L.divIcon({className: "rkg-marker", iconSize: [16, 16], html: ""});
  }

  function placeMarker(map, lat, lng, id, title, popupHtml) {
    var m = L.marker([lat, lng], {icon: icon(), title: title, alt: title, keyboard: true});
    m.on("add", function () {
      var el = m.getElement();
      if (el && id) el.setAttribute("data-experience", id);
    });
    if (popupHtml) m.bindPopup(popupHtml);
    return m.addTo(map);
  }

  function fit(map, points) {
    if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.15));
    else map.setView([46.6, 2.5], 5);
  }

  function experiences(el) {
    var lang = el.getAttribute("data-lang") || "fr";
    var map = base(el);
    fetch(el.getAttribute("data-geojson"), {headers: {"Accept": "application/geo+json"}})
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var points = [];
        fc.features.forEach(function (f) {
          if (!f.geometry) return;
          var p = f.properties, c = f.geometry.coordinates;
          var label = p.label[lang] || p.label.fr || f.id;
          var place = p.territoryLabel ? (p.territoryLabel[lang] || p.territoryLabel.fr) : "";
          placeMarker(map, c[1], c[0], f.id, label,
            '<a href="' + esc(p.url) + '">' + esc(label) + "</a>" + (place ? "<br>" + esc(place) : ""));
          points.push([c[1], c[0]]);
        });
        el.setAttribute("data-markers", String(points.length));
        fit(map, points);
      });
  }

  window.RecueilMap = {base: base, placeMarker: placeMarker, fit: fit, esc: esc};

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("map");
    if (el && el.hasAttribute("data-geojson") && window.L) experiences(el);
  });
})();
