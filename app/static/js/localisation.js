// Location page: progressive enhancement only. Without this file the form still works
// (commune field, point coordinates, perimeter upload). No third-party request: the address
// search goes through the service's own /localisation/adresses endpoint.
(function () {
  "use strict";
  var form = document.getElementById("form-localisation");
  if (!form || !window.fetch) { return; }

  var lonInput = document.getElementById("lon");
  var latInput = document.getElementById("lat");
  var communeInput = document.getElementById("commune");
  var perimeterInput = document.getElementById("perimetre");

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  // --- commune field: native datalist suggestions ------------------------------------------
  if (communeInput) {
    var datalist = document.createElement("datalist");
    datalist.id = "communes-suggestions";
    communeInput.setAttribute("list", datalist.id);
    communeInput.parentNode.appendChild(datalist);
    communeInput.addEventListener("input", debounce(function () {
      var q = communeInput.value.trim();
      if (q.length < 2 || /\(\w+\)$/.test(q)) { return; }
      fetch(form.dataset.communesUrl + "?limit=8&q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {communes: []}; })
        .then(function (data) {
          datalist.textContent = "";
          data.communes.forEach(function (c) {
            var opt = document.createElement("option");
            opt.value = c.nom + " (" + c.code + ")";
            opt.label = c.departement.nom + (c.codes_postaux.length ? " — " + c.codes_postaux.slice(0, 3).join(", ") : "");
            datalist.appendChild(opt);
          });
        })
        .catch(function () { /* the field still works as plain text */ });
    }, 250));
  }

  // --- map ----------------------------------------------------------------------------------
  // Modes: « point » (a click places the site's point), « parcelles » (a click asks our server
  // for the cadastral parcel under it — it asks API Carto — and toggles it in the perimeter),
  // « perimetre » (each click adds a vertex). The perimeter goes into the hidden « perimetre »
  // field as GeoJSON; the server computes its surface (/localisation/surface), shown here and
  // stored as the answer to the land surface question when the form is saved.
  var map = null, marker = null, vertices = [], draft = null, polygon = null, mode = "point";
  var parcels = {}, parcelLayer = null;  // idu → Feature, and their layer
  var mapEl = document.getElementById("carte");
  var closeBtn = document.getElementById("fermer-perimetre");
  var parcelBtn = document.getElementById("mode-parcelles");
  var statusEl = document.getElementById("carte-statut");
  var surfaceBox = document.getElementById("surface-perimetre");
  var surfaceValue = document.getElementById("surface-valeur");
  var csrfInput = form.querySelector("input[name=csrf_token]");

  function say(text) { if (statusEl) { statusEl.textContent = text; } }

  var contour = null;
  function showCommune(code, fit) {
    if (!map || !code) { return; }
    fetch(form.dataset.contourUrl.replace("CODE", encodeURIComponent(code)), {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (feature) {
        if (!feature) { return; }
        if (contour) { map.removeLayer(contour); }
        contour = L.geoJSON(feature, {interactive: false, style: {color: "#666", weight: 2, fill: false}}).addTo(map);
        if (fit) { map.fitBounds(contour.getBounds()); }
      })
      .catch(function () { /* the map still works without the outline */ });
  }

  function setPoint(lat, lon, move) {
    lonInput.value = lon.toFixed(6);
    latInput.value = lat.toFixed(6);
    if (!map) { return; }
    if (marker) { marker.setLatLng([lat, lon]); }
    else { marker = L.marker([lat, lon], {alt: "Point du site", title: "Point du site", keyboard: false}).addTo(map); }
    if (move) { map.setView([lat, lon], 16); }
  }

  function showSurface(geojson) {
    if (!geojson) { surfaceBox.hidden = true; return; }
    var headers = {"Content-Type": "application/json", Accept: "application/json"};
    if (csrfInput) { headers["X-CSRFToken"] = csrfInput.value; }
    fetch(mapEl.dataset.surfaceUrl, {method: "POST", headers: headers, body: geojson, credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (perimeterInput.value !== geojson) { return; }  // a newer perimeter is on its way
        if (!res.ok) { surfaceBox.hidden = true; say(res.body.erreur || "Le périmètre n'a pas pu être lu."); return; }
        surfaceValue.textContent = res.body.surface;
        surfaceBox.hidden = false;
      })
      .catch(function () { surfaceBox.hidden = true; });
  }

  function setPerimeter(geojson) {
    perimeterInput.value = geojson || "";
    showSurface(geojson);
  }

  function clearDrawing() {
    vertices = [];
    if (draft) { map.removeLayer(draft); draft = null; }
    if (polygon) { map.removeLayer(polygon); polygon = null; }
    closeBtn.disabled = true;
  }

  function clearParcels() {
    parcels = {};
    if (parcelLayer) { parcelLayer.clearLayers(); }
  }

  function clearPerimeter() {
    clearDrawing();
    clearParcels();
    setPerimeter("");
  }

  function closePerimeter() {
    if (vertices.length < 3) { return; }
    var ring = vertices.map(function (v) { return [Number(v.lng.toFixed(7)), Number(v.lat.toFixed(7))]; });
    ring.push(ring[0]);
    if (draft) { map.removeLayer(draft); draft = null; }
    polygon = L.polygon(vertices).addTo(map);
    vertices = [];
    closeBtn.disabled = true;
    setPerimeter(JSON.stringify({type: "Polygon", coordinates: [ring]}));
  }

  function parcelsChanged() {
    parcelLayer.clearLayers();
    var features = Object.keys(parcels).map(function (idu) { return parcels[idu]; });
    features.forEach(function (f) { parcelLayer.addData(f); });
    var n = features.length;
    // the server unions the parcels (a FeatureCollection is read as one perimeter)
    setPerimeter(n ? JSON.stringify({type: "FeatureCollection", features: features}) : "");
    return n;
  }

  function toggleParcel(latlng) {
    var url = parcelBtn.dataset.parcelleUrl + "?lon=" + latlng.lng.toFixed(6) + "&lat=" + latlng.lat.toFixed(6);
    say("Recherche de la parcelle…");
    fetch(url, {headers: {Accept: "application/json"}})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (!res.ok) { say(res.body.erreur || "La parcelle n'a pas pu être trouvée."); return; }
        var f = res.body, idu = f.properties.idu, label = f.properties.libelle;
        if (polygon || vertices.length) { clearDrawing(); }  // parcels replace a drawn outline
        var n;
        if (parcels[idu]) { delete parcels[idu]; n = parcelsChanged(); say(label + " retirée du périmètre (" + n + " parcelle" + (n > 1 ? "s" : "") + ")."); }
        else {
          parcels[idu] = f; n = parcelsChanged();
          say(label + " ajoutée au périmètre (" + n + " parcelle" + (n > 1 ? "s" : "") + ").");
          if (n === 1 && map.getZoom() < 16) { map.fitBounds(parcelLayer.getBounds(), {maxZoom: 18}); }
        }
      })
      .catch(function () { say("Le cadastre n'a pas pu être consulté ; vous pouvez réessayer, ou dessiner le périmètre vous-même."); });
  }

  function setMode(newMode) {
    mode = newMode;
    ["point", "parcelles", "perimetre"].forEach(function (m) {
      var btn = document.getElementById("mode-" + m);
      if (btn) { btn.setAttribute("aria-pressed", String(mode === m)); }
    });
  }

  if (mapEl && window.L) {
    document.getElementById("bloc-carte").hidden = false;
    map = L.map(mapEl, {attributionControl: true, zoomControl: false}).setView([46.6, 2.4], 5);
    L.control.zoom({zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer"}).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="Bibliothèque libre de cartes interactives">Leaflet</a>');
    if (mapEl.dataset.tilesUrl) {
      L.tileLayer(mapEl.dataset.tilesUrl, {maxZoom: 19, attribution: mapEl.dataset.tilesAttribution || ""}).addTo(map);
    }
    if (mapEl.dataset.parcelsUrl) {
      L.tileLayer(mapEl.dataset.parcelsUrl, {minZoom: 14, maxZoom: 19, opacity: 0.8}).addTo(map);
    }
    parcelLayer = L.geoJSON(null, {style: {color: "#000091", weight: 2, fillOpacity: 0.25}, interactive: false}).addTo(map);
    // the saved perimeter stays the site's when the form is saved again (an error page keeps
    // the one being built instead)
    var saved = perimeterInput.value || mapEl.dataset.perimetre;
    if (saved) {
      try {
        polygon = L.geoJSON(JSON.parse(saved)).addTo(map);
        map.fitBounds(polygon.getBounds());
        perimeterInput.value = saved;
        showSurface(saved);
      } catch (e) { polygon = null; }
    }
    var choosing = form.querySelector("input[data-recentrer]");
    if (!choosing) { showCommune(form.dataset.communeCode, !polygon); }  // not the old one while choosing
    communeInput.addEventListener("change", function () {
      var m = /\((\w{5})\)$/.exec(communeInput.value.trim());
      if (m) { showCommune(m[1], true); }
    });
    // a commune chosen among homonyms: the map goes there at once
    Array.prototype.forEach.call(form.querySelectorAll("input[data-recentrer]"), function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) { showCommune(radio.value, true); } });
    });
    var lon0 = parseFloat(lonInput.value), lat0 = parseFloat(latInput.value);
    if (!isNaN(lon0) && !isNaN(lat0)) { setPoint(lat0, lon0, !polygon); }

    map.on("click", function (e) {
      if (mode === "point") {
        setPoint(e.latlng.lat, e.latlng.lng, false);
        return;
      }
      if (mode === "parcelles") { toggleParcel(e.latlng); return; }
      if ((polygon && vertices.length === 0) || Object.keys(parcels).length) { clearPerimeter(); }
      vertices.push(e.latlng);
      if (draft) { draft.setLatLngs(vertices); } else { draft = L.polyline(vertices, {dashArray: "4 4"}).addTo(map); }
      closeBtn.disabled = vertices.length < 3;
    });
    document.getElementById("mode-point").addEventListener("click", function () { setMode("point"); });
    if (parcelBtn) {
      parcelBtn.addEventListener("click", function () {
        setMode("parcelles");
        if (map.getZoom() < 16) { say("Zoomez sur le site pour distinguer les parcelles, puis cliquez sur chacune."); }
      });
    }
    document.getElementById("mode-perimetre").addEventListener("click", function () { setMode("perimetre"); });
    var pointParcelBtn = document.getElementById("parcelle-du-point");
    if (pointParcelBtn && parcelBtn) {
      // the keyboard way: the parcel under the point found by the address search or typed
      pointParcelBtn.addEventListener("click", function () {
        var lon = parseFloat(lonInput.value.replace(",", ".")), lat = parseFloat(latInput.value.replace(",", "."));
        if (isNaN(lon) || isNaN(lat)) { say("Indiquez d'abord le point : recherchez l'adresse ou saisissez la longitude et la latitude."); return; }
        toggleParcel(L.latLng(lat, lon));
      });
    }
    closeBtn.addEventListener("click", closePerimeter);
    document.getElementById("effacer").addEventListener("click", function () {
      clearPerimeter();
      if (marker) { map.removeLayer(marker); marker = null; }
      lonInput.value = ""; latInput.value = "";
      say("Point et périmètre effacés.");
    });
    [lonInput, latInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var lon = parseFloat(lonInput.value.replace(",", ".")), lat = parseFloat(latInput.value.replace(",", "."));
        if (!isNaN(lon) && !isNaN(lat)) { setPoint(lat, lon, true); }
      });
    });
    form.addEventListener("submit", function () { if (vertices.length >= 3) { closePerimeter(); } });
  }

  // --- perimeter file: the browser's own button speaks the browser's language (« Choose
  // File » in an English one); with JavaScript, a French button and the chosen file's name.
  // The native input stays in the form, focusable and labelled (visually hidden only).
  var fileInput = document.getElementById("fichier");
  if (fileInput) {
    var group = fileInput.closest(".fr-upload-group");
    var pick = document.createElement("span");
    pick.className = "fr-btn fr-btn--secondary fr-btn--sm loc-upload__bouton";
    pick.setAttribute("aria-hidden", "true");
    pick.textContent = "Choisir un fichier";
    var chosen = document.createElement("span");
    chosen.className = "fr-text--sm fr-ml-2w loc-upload__nom";
    chosen.setAttribute("aria-hidden", "true");
    chosen.textContent = "Aucun fichier choisi";
    var row = document.createElement("div");
    row.className = "loc-upload__ligne";
    row.appendChild(pick); row.appendChild(chosen);
    fileInput.parentNode.insertBefore(row, fileInput.nextSibling);
    group.classList.add("loc-upload--js");
    pick.addEventListener("click", function () { fileInput.click(); });
    fileInput.addEventListener("change", function () {
      chosen.textContent = fileInput.files.length ? fileInput.files[0].name : "Aucun fichier choisi";
    });
  }

  // --- address search (combobox) ------------------------------------------------------------
  var box = document.getElementById("recherche-adresse");
  var input = document.getElementById("adresse");
  var list = document.getElementById("adresse-suggestions");
  var status = document.getElementById("adresse-statut");
  if (!box || !input) { return; }
  box.hidden = false;
  var results = [], active = -1;

  function render() {
    list.textContent = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "adresse-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === active));
      li.textContent = r.label;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", String(results.length > 0));
    if (active >= 0) { input.setAttribute("aria-activedescendant", "adresse-option-" + active); }
    else { input.removeAttribute("aria-activedescendant"); }
  }

  function choose(i) {
    var r = results[i];
    if (!r) { return; }
    input.value = r.label;
    if (r.citycode) {
      communeInput.value = (r.city || r.label) + " (" + r.citycode + ")";
      showCommune(r.citycode, r.lon === null || r.lon === undefined);
    }
    if (r.lon !== null && r.lat !== null && r.lon !== undefined) { setPoint(r.lat, r.lon, true); }
    results = []; active = -1; render();
    status.textContent = "Adresse retenue : " + r.label;
  }

  input.addEventListener("input", debounce(function () {
    var q = input.value.trim();
    if (q.length < 3) { results = []; render(); return; }
    fetch(form.dataset.adressesUrl + "?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {resultats: [], source: null}; })
      .then(function (data) {
        results = data.resultats || []; active = -1; render();
        status.textContent = data.source === "communes"
          ? "Recherche d'adresse indisponible : seules les communes sont proposées."
          : results.length + " résultat(s).";
      })
      .catch(function () { status.textContent = "Recherche indisponible : saisissez la commune ci-dessous."; });
  }, 300));

  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && results.length) { active = (active + 1) % results.length; render(); e.preventDefault(); }
    else if (e.key === "ArrowUp" && results.length) { active = (active - 1 + results.length) % results.length; render(); e.preventDefault(); }
    else if (e.key === "Enter" && active >= 0) { choose(active); e.preventDefault(); }
    else if (e.key === "Escape") { results = []; active = -1; render(); }
  });
  input.addEventListener("blur", function () { setTimeout(function () { results = []; render(); }, 150); });
})();
