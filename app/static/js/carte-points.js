// Maps of points (advisers' view, projets inspirants; app/maps.py, templates/_carte_points.html):
// a progressive enhancement over the table or the list of the page, which holds the same rows.
// The points come from a JSON block of the page: no request, no inline script (CSP). Points at
// the same place share one marker, whose popup lists them. Markers are focusable buttons with
// a name; a popup's link takes the focus when it opens and gives it back when it closes.
(function () {
  "use strict";

  function text(tag, content, className) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (className) { el.className = className; }
    return el;
  }

  function popup(group) {
    var box = document.createElement("div");
    var list = document.createElement(group.length > 1 ? "ul" : "div");
    list.className = "pf-carte__popup";
    group.forEach(function (p) {
      var item = document.createElement(group.length > 1 ? "li" : "div");
      var link = text("a", p.title);
      link.href = p.url;
      item.appendChild(link);
      if (p.detail) { item.appendChild(text("p", p.detail, "fr-text--xs fr-mb-0")); }
      list.appendChild(item);
    });
    if (group[0].place) { box.appendChild(text("p", group[0].place, "fr-text--sm fr-text--bold fr-mb-1w")); }
    box.appendChild(list);
    if (group[0].approx) { box.appendChild(text("p", "Le repère indique la commune, pas l'emplacement du site.", "fr-text--xs fr-mt-1w fr-mb-0")); }
    return box;
  }

  function markerName(group, units) {
    var p = group[0];
    if (group.length > 1) { return (p.place ? p.place + " : " : "") + group.length + " " + units; }
    return p.title + (p.place ? ", " + p.place : "");
  }

  function draw(box, points) {
    var el = box.querySelector(".pf-carte__carte");
    var map = L.map(el, {zoomControl: false, attributionControl: true});
    L.control.zoom({zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer"}).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="Bibliothèque libre de cartes interactives">Leaflet</a>');
    if (box.dataset.tilesUrl) {
      L.tileLayer(box.dataset.tilesUrl, {maxZoom: 19, attribution: box.dataset.tilesAttribution || ""}).addTo(map);
    }
    var groups = {}, keys = [];
    points.forEach(function (p) {
      var key = p.lat + "," + p.lon;
      if (!groups[key]) { groups[key] = []; keys.push(key); }
      groups[key].push(p);
    });
    // the view first: Leaflet adds the markers (and their elements) to a map that has one; points
    // known by their commune only are never shown closer than a commune's scale
    var maxZoom = Number(box.dataset.maxZoom) || 12;
    if (points.every(function (p) { return p.approx; })) { maxZoom = Math.min(maxZoom, 11); }
    map.fitBounds(keys.map(function (key) { return [groups[key][0].lat, groups[key][0].lon]; }),
                  {padding: [30, 30], maxZoom: maxZoom});
    keys.forEach(function (key) {
      var group = groups[key], p = group[0];
      var icon = L.divIcon({
        className: "pf-carte__repere" + (p.approx ? " pf-carte__repere--commune" : ""),
        html: group.length > 1 ? '<span aria-hidden="true">' + group.length + "</span>" : "",
        iconSize: group.length > 1 ? [26, 26] : [18, 18]
      });
      var marker = L.marker([p.lat, p.lon], {icon: icon, keyboard: true, riseOnHover: true}).addTo(map);
      var name = markerName(group, box.dataset.units);
      marker.getElement().setAttribute("aria-label", name);
      marker.getElement().setAttribute("title", name);
      marker.bindPopup(popup(group), {maxWidth: 280});
      focusPopup(marker);
    });
  }

  // The popup's link takes the focus (the close button gets a French name); closing the popup
  // while the focus is in it (its button, Échap) gives the focus back to the marker. The popup
  // keeps its element between openings (one listener).
  function focusPopup(marker) {
    marker.on("popupopen", function (e) {
      var container = e.popup.getElement();
      var close = container.querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", "Fermer"); close.setAttribute("title", "Fermer"); }
      var link = container.querySelector(".pf-carte__popup a");
      if (link) { link.focus({preventScroll: true}); }
      if (!container.dataset.echap) {  // Leaflet closes a popup on Échap only when the map has the focus
        container.dataset.echap = "1";
        container.addEventListener("keydown", function (event) {
          if (event.key === "Escape") { event.preventDefault(); marker.closePopup(); }
        });
      }
    });
    marker.on("popupclose", function (e) {
      var container = e.popup.getElement(), active = document.activeElement;
      if (!active || active === document.body || (container && container.contains(active))) {
        marker.getElement().focus({preventScroll: true});
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-carte-points]"), function (box) {
    var data = document.getElementById(box.dataset.points);
    var points;
    try { points = JSON.parse(data.textContent); } catch (e) { return; }
    if (!points.length) { box.hidden = false; return; }  // the block says the map is empty
    if (!window.L) { return; }  // the table or the list is the content
    box.hidden = false;
    draw(box, points);
  });
})();
