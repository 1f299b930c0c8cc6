/* landgis QA map: townships, constraint layers and parcels coloured by their worst finding, with legend,
   popups and footnotes. No user data here: it arrives as JSON arguments and goes in with textContent (el). */
function landgisQaMap(map, towns, parcels, spec, constraints) {
  L.DomUtil.addClass(map.getContainer(), 'landgis-nobasemap');
  L.control.scale({metric: true, imperial: false}).addTo(map);
  if (map.attributionControl) { map.attributionControl.setPrefix(false); }  // no Leaflet flag
  var townLayer = L.geoJSON(towns, {
    style: function () { return {className: 'landgis-qa-township', color: '#555', weight: 1.2,
                                 fillColor: '#f2f2f2', fillOpacity: 0.6}; },
    interactive: false
  }).addTo(map);
  var constraintLayers = constraints.map(function (c) {
    return [c.name, L.geoJSON(c.layer, {
      style: function () { return {className: 'landgis-constraint', color: c.colour, weight: 1.2,
                                   dashArray: c.dash, fillColor: c.colour, fillOpacity: c.fill}; },
      interactive: false
    }).addTo(map)];
  });
  var labels = L.layerGroup(towns.features.map(function (f) {
    return L.marker(f.properties.label_at, {interactive: false, keyboard: false,
      icon: L.divIcon({className: '', html: el('div', 'landgis-label', f.properties.name),
                       iconSize: [120, 16], iconAnchor: [60, 8]})});
  })).addTo(map);
  function popup(lyr) {
    var p = lyr.feature.properties, d = el('div', 'landgis-popup');
    d.appendChild(el('div', 'landgis-pid', p.id));
    var s = spec.strings;
    d.appendChild(el('div', null, s.declared + s.colon + (p.declared || '—')));
    d.appendChild(el('div', null, s.found + s.colon + (p.found || '—')));
    if (p.category) { d.appendChild(el('div', null, s.category + s.colon + p.category)); }
    if (p.findings.length) {
      var ul = el('ul');
      p.findings.forEach(function (f) {
        var li = el('li', 'landgis-sev-' + f[0], '[' + spec.labels[f[0]] + '] ' + f[1]);
        ul.appendChild(li);
      });
      d.appendChild(ul);
    } else {
      d.appendChild(el('div', null, spec.labels.ok));
    }
    return d;
  }
  var parcelLayer = L.geoJSON(parcels, {
    style: function (f) {
      return {className: 'landgis-parcel', color: '#222', weight: 1, fillColor: spec.colours[f.properties.severity],
              fillOpacity: 0.8};
    },
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, {radius: 6});
    },
    onEachFeature: function (f, lyr) {
      lyr.bindPopup(popup, {maxWidth: 400});
      lyr.bindTooltip(function () { return el('span', null, f.properties.id); }, {sticky: true});
      lyr.on('add', function () {
        var e = lyr.getElement && lyr.getElement();
        if (e) {
          e.setAttribute('data-severity', f.properties.severity);
          e.setAttribute('data-parcel', f.properties.id);
        }
      });
    }
  }).addTo(map);
  // Polygons are a few pixels wide at county scale: mark them with a dot until zoomed in.
  var dots = L.layerGroup(parcels.features.filter(function (f) { return f.properties.at; }).map(function (f) {
    var m = L.circleMarker(f.properties.at, {className: 'landgis-parcel-dot', radius: 4, color: '#222', weight: 1,
                                             fillColor: spec.colours[f.properties.severity], fillOpacity: 0.9});
    m.feature = f;
    m.bindPopup(popup, {maxWidth: 400});
    m.on('add', function () { m.getElement().setAttribute('data-parcel-dot', f.properties.id); });
    return m;
  }));
  function toggleDots() {
    if (map.getZoom() < spec.dots_below_zoom && map.hasLayer(parcelLayer)) { dots.addTo(map); }
    else { map.removeLayer(dots); }
  }
  map.on('zoomend overlayadd overlayremove', toggleDots);
  var overlays = {};
  overlays[esc(spec.strings.townships)] = townLayer;
  overlays[esc(spec.strings.labels)] = labels;
  constraintLayers.forEach(function (c) { overlays[esc(c[0])] = c[1]; });
  overlays[esc(spec.strings.parcels)] = parcelLayer;
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);

  var title = L.control({position: 'topleft'});
  title.onAdd = function () { return el('div', 'landgis-panel landgis-title', spec.title); };
  title.addTo(map);
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var d = el('div', 'landgis-panel landgis-legend');
    d.appendChild(el('div', 'landgis-title', spec.strings.legend));
    spec.legend.forEach(function (item) {
      var row = el('div', 'landgis-legend-row'), sw = el('span', 'landgis-swatch');
      sw.style.background = item[0];
      row.appendChild(sw);
      row.appendChild(el('span', null, item[1]));
      d.appendChild(row);
    });
    return d;
  };
  legend.addTo(map);
  footnotes(map, spec.footnotes);
  map.fitBounds(spec.bounds, panelPadding(map, 10));  // no parcel under a panel on open
  toggleDots();
}
