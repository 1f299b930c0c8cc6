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
