// landgis web map: township choropleths, legend, tooltip, popup, labels and footnote.
// Called once per map with the Leaflet map, the GeoJSON and the spec (both data, set as text only).
// el, esc, footnotes and panelPadding come from dom_helpers.js, set before this function in the same scope.
function landgisTownshipMap(map, data, spec) {
  function tooltip(key) {
    return function (lyr) {
      var p = lyr.feature.properties, d = el('div', 'landgis-tooltip');
      d.appendChild(el('b', 'landgis-tooltip-name', p.name));
      d.appendChild(el('br'));
      d.appendChild(el('span', 'landgis-tooltip-value', p.text[key]));
      return d;
    };
  }
  function popup(lyr) {
    var p = lyr.feature.properties, d = el('div', 'landgis-popup');
    d.appendChild(el('div', 'landgis-title', p.name));
    var t = el('table');
    p.rows.forEach(function (r) {
      var tr = el('tr', r[2] ? 'landgis-sum' : null);
      tr.appendChild(el('td', null, r[0]));
      tr.appendChild(el('td', 'landgis-num', r[1]));
      t.appendChild(tr);
    });
    d.appendChild(t);
    spec.county.forEach(function (line) { d.appendChild(el('div', 'landgis-county', line)); });
    return d;
  }
  // Ids derive from this map's own container, so two copies of one fragment keep apart.
  var hatchId = map.getContainer().id + '-hatch';
  var byName = {}, layers = {}, initial = null;
  spec.layers.forEach(function (ls) {
    var g = L.geoJSON(data, {
      className: 'landgis-township',
      style: function (f) {
        var s = f.properties.style[ls.key];
        return {className: 'landgis-township', fillColor: s[0], fillOpacity: 0.85,
                color: '#4d4d4d', weight: 1, opacity: 1};
      },
      onEachFeature: function (f, lyr) {
        lyr.bindTooltip(tooltip(ls.key), {sticky: true, className: 'landgis-panel'});
        lyr.bindPopup(popup, {maxWidth: 360});
        lyr.on('add', function () {
          var e = lyr.getElement();
          e.setAttribute('data-township', f.properties.name);
          e.setAttribute('data-code', f.properties.code);
          e.setAttribute('data-layer', ls.key);
          e.setAttribute('data-class', String(f.properties.style[ls.key][1]));
          // 无供应 is hatched, as on the printed maps: this map's own pattern, whatever its container's id.
          if (f.properties.style[ls.key][1] < 0) { e.style.fill = 'url(#' + hatchId + ')'; }
        });
        lyr.on('mouseover', function () { lyr.setStyle({weight: 3, color: '#000'}); lyr.bringToFront(); });
        lyr.on('mouseout', function () { g.resetStyle(lyr); });
      }
    });
    g.landgisKey = ls.key;
    byName[ls.key] = ls;
    layers[esc(ls.label)] = g;
    if (ls.key === spec.initial) { initial = g; }
  });

  // A phone: panels shrink, the layer control starts collapsed and the legend goes top right, off the footnote.
  var narrow = map.getSize().x < 600;
  var touch = window.matchMedia && window.matchMedia('(hover: none)').matches;
  if (narrow) { L.DomUtil.addClass(map.getContainer(), 'landgis-narrow'); }
  map.attributionControl.setPrefix(false);
  L.control.scale({metric: true, imperial: false, position: 'bottomright'}).addTo(map);
  var legend = L.control({position: narrow ? 'topright' : 'bottomright'});
  legend.onAdd = function () {
    this._div = el('div', 'landgis-panel landgis-legend');
    L.DomEvent.disableClickPropagation(this._div);
    return this._div;
  };
  legend.update = function (key) {
    var ls = byName[key], div = this._div;
    div.textContent = '';
    div.setAttribute('data-layer', key);
    div.appendChild(el('div', 'landgis-legend-title', ls.legend_title));
    ls.legend.forEach(function (item) {
      var row = el('div', 'landgis-legend-row');
      var sw = el('span', 'landgis-swatch');
      sw.style.background = item[0];
      if (item[2]) {
        sw.className += ' landgis-hatch';
        sw.style.background = 'repeating-linear-gradient(45deg, ' + spec.hatch[0] + ' 0 3px, ' + spec.hatch[1] + ' 3px 4px)';
      }
      row.appendChild(sw);
      row.appendChild(el('span', null, item[1]));
      div.appendChild(row);
    });
  };

  var title = L.control({position: 'topleft'});
  title.onAdd = function () { return el('div', 'landgis-panel landgis-title', spec.title); };
  title.addTo(map);

  footnotes(map, spec.footnotes.concat([touch ? spec.help_touch : spec.help_hover]));
  var help = map.getContainer().querySelector('.landgis-footnote > div:last-child');
  if (help) { help.className = 'landgis-help'; }

  if (!spec.basemap) { L.DomUtil.addClass(map.getContainer(), 'landgis-nobasemap'); }
  var labels = L.layerGroup(data.features.map(function (f) {
    var d = el('div', 'landgis-label', f.properties.name);
    return L.marker(f.properties.label_at, {interactive: false, keyboard: false,
      icon: L.divIcon({className: '', html: d, iconSize: [120, 16], iconAnchor: [60, 8]})});
  }));
  var overlays = {};
  overlays[esc(spec.labels)] = labels;

  legend.addTo(map);
  initial.addTo(map);
  labels.addTo(map);
  // 无供应 is hatched, as on the printed maps: one SVG pattern, applied by CSS to class -1.
  var NS = 'http://www.w3.org/2000/svg', svg = map.getPane('overlayPane').querySelector('svg');
  if (svg) {
    var defs = document.createElementNS(NS, 'defs'), pat = document.createElementNS(NS, 'pattern');
    pat.setAttribute('id', hatchId);
    pat.setAttribute('patternUnits', 'userSpaceOnUse');
    pat.setAttribute('width', '6'); pat.setAttribute('height', '6');
    pat.setAttribute('patternTransform', 'rotate(45)');
    var bg = document.createElementNS(NS, 'rect');
    bg.setAttribute('width', '6'); bg.setAttribute('height', '6'); bg.setAttribute('fill', spec.hatch[0]);
    var line = document.createElementNS(NS, 'line');
    line.setAttribute('x1', '0'); line.setAttribute('y1', '0'); line.setAttribute('x2', '0'); line.setAttribute('y2', '6');
    line.setAttribute('stroke', spec.hatch[1]); line.setAttribute('stroke-width', '1.5');
    pat.appendChild(bg); pat.appendChild(line); defs.appendChild(pat);
    svg.insertBefore(defs, svg.firstChild);
  }
  legend.update(spec.initial);
  L.control.layers(layers, overlays, {collapsed: narrow, position: 'topright'}).addTo(map);
  map.on('baselayerchange', function (e) { legend.update(e.layer.landgisKey); });
  // The page opens on the county itself, clear of the panels: no zoom animation from folium's starting view.
  map.fitBounds(spec.bounds, panelPadding(map, narrow ? 4 : 10));
}
