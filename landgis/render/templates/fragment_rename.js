  var script = document.currentScript, box = script && script.parentNode;
  var div = box && box.querySelector('.folium-map'), mapId = {{ map_id | tojson }};
  if (div && document.getElementById(mapId) !== div) {
    window.landgisEmbeds = (window.landgisEmbeds || 0) + 1;
    mapId = mapId + '_' + window.landgisEmbeds;
    div.id = mapId;
  }
{#- The first lines of a fragment's script. The same fragment may be pasted twice into one page: the second
   copy then gives its map container a new id, so that each copy draws its own map. #}
