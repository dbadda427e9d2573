// Portfolio page: the map of the sites, a progressive enhancement over the table (the page
// works without this file). No third-party request: the points come from the service itself,
// and a basemap is drawn only when the deployer configured MAP_TILES_URL.
(function () {
  "use strict";
  var el = document.getElementById("carte-portefeuille");
  if (!el || !window.fetch || !window.L) { return; }
  fetch(el.dataset.url, {headers: {Accept: "application/json"}})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.features.length) { return; }
      el.textContent = "";
      var map = L.map(el, {preferCanvas: true, attributionControl: !!el.dataset.tilesUrl});
      if (el.dataset.tilesUrl) {
        L.tileLayer(el.dataset.tilesUrl, {attribution: el.dataset.tilesAttribution, maxZoom: 19}).addTo(map);
      }
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          var approx = feature.properties.approx;
          return L.circleMarker(latlng, {
            radius: 6, weight: 2, color: "#000091",
            fillColor: approx ? "#ffffff" : "#000091", fillOpacity: approx ? 0.6 : 0.8
          });
        },
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          var box = document.createElement("div");
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.nom;
          box.appendChild(link);
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(p.commune + (p.phase ? " — " + p.phase : "")));
          if (p.approx) {
            box.appendChild(document.createElement("br"));
            box.appendChild(document.createTextNode("Position approximative (commune)"));
          }
          marker.bindPopup(box);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), {padding: [20, 20], maxZoom: 14});
    })
    .catch(function () { /* the table lists every site */ });
})();
