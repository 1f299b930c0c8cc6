<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1.0" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <se:Name>{{ layer_name }}</se:Name>
    <UserStyle>
      <se:Name>{{ style.name }}</se:Name>
      <se:Description><se:Title>{{ style.title }}</se:Title></se:Description>
      <se:FeatureTypeStyle>
        {%- for c in style.classes %}
        <se:Rule>
          <se:Name>{{ c.label }}</se:Name>
          <se:Description><se:Title>{{ c.label }}</se:Title></se:Description>
          {%- if style.renderer == "graduated" %}
          <ogc:Filter>
            {%- if c.upper == 0 %}
            <ogc:PropertyIsEqualTo><ogc:PropertyName>{{ style.field }}</ogc:PropertyName><ogc:Literal>0</ogc:Literal></ogc:PropertyIsEqualTo>
            {%- else %}
            <ogc:And>
              <ogc:PropertyIsGreaterThan><ogc:PropertyName>{{ style.field }}</ogc:PropertyName><ogc:Literal>{{ c.lower_text }}</ogc:Literal></ogc:PropertyIsGreaterThan>
              <ogc:PropertyIsLessThanOrEqualTo><ogc:PropertyName>{{ style.field }}</ogc:PropertyName><ogc:Literal>{{ c.upper_text }}</ogc:Literal></ogc:PropertyIsLessThanOrEqualTo>
            </ogc:And>
            {%- endif %}
          </ogc:Filter>
          {%- elif style.renderer == "categorized" %}
          <ogc:Filter>
            <ogc:PropertyIsEqualTo><ogc:PropertyName>{{ style.field }}</ogc:PropertyName><ogc:Literal>{{ c.value }}</ogc:Literal></ogc:PropertyIsEqualTo>
          </ogc:Filter>
          {%- endif %}
          {%- set s = c.symbol %}
          {%- if s.kind == "marker" %}
          <se:PointSymbolizer>
            <se:Graphic>
              <se:Mark>
                <se:WellKnownName>circle</se:WellKnownName>
                <se:Fill><se:SvgParameter name="fill">{{ s.fill }}</se:SvgParameter></se:Fill>
                <se:Stroke><se:SvgParameter name="stroke">{{ s.stroke }}</se:SvgParameter><se:SvgParameter name="stroke-width">{{ s.stroke_px }}</se:SvgParameter></se:Stroke>
              </se:Mark>
              <se:Size>{{ s.size_px }}</se:Size>
            </se:Graphic>
          </se:PointSymbolizer>
          {%- else %}
          <se:PolygonSymbolizer>
            {%- if s.fill %}
            <se:Fill><se:SvgParameter name="fill">{{ s.fill }}</se:SvgParameter></se:Fill>
            {%- endif %}
            {%- if s.stroke %}
            <se:Stroke><se:SvgParameter name="stroke">{{ s.stroke }}</se:SvgParameter><se:SvgParameter name="stroke-width">{{ s.stroke_px }}</se:SvgParameter><se:SvgParameter name="stroke-linejoin">round</se:SvgParameter></se:Stroke>
            {%- endif %}
          </se:PolygonSymbolizer>
          {%- if s.hatch %}
          <se:PolygonSymbolizer>
            <se:Fill>
              <se:GraphicFill>
                <se:Graphic>
                  <se:Mark>
                    <se:WellKnownName>horline</se:WellKnownName>
                    <se:Stroke><se:SvgParameter name="stroke">{{ s.hatch }}</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter></se:Stroke>
                  </se:Mark>
                  <se:Size>{{ s.hatch_px }}</se:Size>
                  <se:Rotation><ogc:Literal>45</ogc:Literal></se:Rotation>
                </se:Graphic>
              </se:GraphicFill>
            </se:Fill>
          </se:PolygonSymbolizer>
          {%- endif %}
          {%- endif %}
        </se:Rule>
        {%- endfor %}
        {%- if style.label_field %}
        <se:Rule>
          <se:TextSymbolizer>
            <se:Label><ogc:PropertyName>{{ style.label_field }}</ogc:PropertyName></se:Label>
            <se:Font><se:SvgParameter name="font-family">{{ style.font }}</se:SvgParameter><se:SvgParameter name="font-size">{{ style.label_px }}</se:SvgParameter></se:Font>
            <se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0.5</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint></se:PointPlacement></se:LabelPlacement>
            <se:Halo><se:Radius>2</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo>
            <se:Fill><se:SvgParameter name="fill">{{ style.label_colour }}</se:SvgParameter></se:Fill>
          </se:TextSymbolizer>
        </se:Rule>
        {%- endif %}
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
