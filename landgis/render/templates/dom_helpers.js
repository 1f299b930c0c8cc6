  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  // Leaflet's layer control writes names as HTML: hand it escaped text.
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }
  // The source and boundary footnote, bottom left: every landgis map carries it.
  function footnotes(map, lines) {
    var foot = L.control({position: 'bottomleft'});
    foot.onAdd = function () {
      var d = el('div', 'landgis-panel landgis-footnote');
      lines.forEach(function (line) { d.appendChild(el('div', null, line)); });
      return d;
    };
    foot.addTo(map);
  }
  // The padding that keeps the map's box (the county, or every checked parcel) off every corner panel:
  // each panel is cleared either sideways or vertically, whichever costs the map less of its width or height.
  function panelPadding(map, margin) {
    var size = map.getSize(), pad = {left: 0, right: 0, top: 0, bottom: 0};
    var box = map.getContainer().getBoundingClientRect();
    ['topleft', 'topright', 'bottomleft', 'bottomright'].forEach(function (corner) {
      var c = map._controlCorners[corner];
      if (!c) { return; }
      var w = 0, h = 0;
      Array.prototype.forEach.call(c.children, function (ctl) {
        var r = ctl.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) { return; }
        var y = corner.indexOf('top') === 0 ? r.bottom - box.top : box.bottom - r.top;
        var x = corner.indexOf('left') > 0 ? r.right - box.left : box.right - r.left;
        w = Math.max(w, x); h = Math.max(h, y);
      });
      if (w === 0) { return; }
      var side = corner.indexOf('left') > 0 ? 'left' : 'right', end = corner.indexOf('top') === 0 ? 'top' : 'bottom';
      if (w / size.x <= h / size.y) { pad[side] = Math.max(pad[side], w); } else { pad[end] = Math.max(pad[end], h); }
    });
    return {paddingTopLeft: [pad.left + margin, pad.top + margin],
            paddingBottomRight: [pad.right + margin, pad.bottom + margin], animate: false};
  }
