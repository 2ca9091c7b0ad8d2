// The partnerships map (templates/partners/map.html). Data comes from the JSON endpoint named in
// data-map-data-url; marker colours live in app.css (.map-marker--<level>), not here.
(function () {
  "use strict";
  const element = document.getElementById("partner-map");
  if (!element || typeof L === "undefined") {
    return;
  }

  const map = L.map(element, { worldCopyJump: true, minZoom: 1, zoomControl: false }).setView([30, 10], 2);
  translateLeaflet(map, element.dataset);
  const tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: element.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
  }

  // Leaflet writes its controls' titles and labels in English; the page gives them in its own
  // language (data-zoom-in, data-zoom-out, data-close-popup, data-leaflet-title).
  function translateLeaflet(map, text) {
    L.control.zoom({ zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
    const credit = document.createElement("a");
    credit.href = "https://leafletjs.com";
    credit.title = text.leafletTitle;
    credit.textContent = "Leaflet";
    map.attributionControl.setPrefix(credit.outerHTML);
    map.on("popupopen", (event) => {
      const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", text.closePopup);
        close.title = text.closePopup;
      }
    });
  }

  function popup(title, lines, url) {
    const box = document.createElement("div");
    const heading = document.createElement(url ? "a" : "strong");
    heading.textContent = title;
    if (url) {
      heading.href = url;
    }
    box.appendChild(heading);
    lines.forEach((text) => {
      const line = document.createElement("div");
      line.className = "small";
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function marker(lat, lng, classes, radius) {
    return L.circleMarker([lat, lng], { radius: radius, weight: 2, fillOpacity: 0.85, className: classes });
  }

  fetch(element.dataset.mapDataUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => {
      if (!response.ok) {
        throw new Error("map data: HTTP " + response.status);
      }
      return response.json();
    })
    .then((data) => {
      const points = [];
      const home = data.home;
      marker(home.lat, home.lng, "map-marker map-marker--home", 9)
        .bindPopup(popup(element.dataset.homeLabel || home.name, [], null))
        .addTo(map);
      points.push([home.lat, home.lng]);
      data.partnerships.forEach((p) => {
        marker(p.lat, p.lng, "map-marker map-marker--" + p.level + " map-marker--p" + p.id, 7)
          .bindPopup(popup(p.city + ", " + p.country, [p.level_label + " · " + p.status_label], p.url))
          // A text node, never a string: Leaflet puts a string tooltip in as HTML.
          .bindTooltip(document.createTextNode(p.city))
          .addTo(map);
        points.push([p.lat, p.lng]);
      });
      element.dataset.markerCount = String(data.partnerships.length);
      if (points.length > 1) {
        map.fitBounds(points, { padding: [30, 30], maxZoom: 6 });
      } else {
        map.setView(points[0], 4);
      }
    })
    .catch((error) => {
      element.dataset.error = String(error);
      console.error(error);
    });
})();
