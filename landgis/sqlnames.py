"""What a ``--sql`` query may call: read-only built-in and PostGIS functions, operators and types.

An allow-list, not a block-list: :mod:`landgis.sqlguard` refuses every function, operator or type
that is not named here, so a function added to a server later (``dblink``, ``lo_export``,
adminpack's ``pg_file_write`` …) is refused until someone decides it is safe. Names are as
PostgreSQL stores them (lower case); a quoted name in another case is another name and is refused.

Left out on purpose: whatever opens a connection (``dblink*``), touches files or large objects
(``pg_read_*``, ``pg_ls_*``, ``pg_stat_file``, ``lo_*``, ``pg_file_*``), runs SQL given as text
(``query_to_xml``, ``ts_stat``, every ``*_to_xml``), signals or inspects backends
(``pg_terminate_backend``, ``pg_cancel_backend``), sets configuration or state (``set_config``,
``setseed``, advisory locks, ``pg_notify``), sequences (``nextval``, ``currval``, ``setval``), sleeps
(``pg_sleep*``), reads settings (``current_setting``), and PostGIS's management functions
(``AddGeometryColumn``, ``postgis_extensions_upgrade`` …). The PostGIS ``ST_*`` names are those
of the ``postgis`` extension 3.3 (not ``postgis_topology``, whose ``ST_*`` functions edit
topologies, nor ``postgis_raster``).

Examples
--------
>>> "st_intersects" in FUNCTIONS and "dblink" not in FUNCTIONS
True
"""

from __future__ import annotations

__all__ = ["FUNCTIONS", "BUILTIN_FUNCTIONS", "POSTGIS_FUNCTIONS", "OPERATORS", "TYPES", "SCHEMAS"]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Built-in functions (schema ``pg_catalog``), by family.
BUILTIN_FUNCTIONS = _names("""
    abs cbrt ceil ceiling degrees div exp factorial floor gcd lcm ln log log10 min_scale mod pi power
    radians round scale sign sqrt trim_scale trunc width_bucket random gen_random_uuid
    acos acosd acosh asin asind asinh atan atan2 atan2d atand atanh cos cosd cosh cot cotd sin sind
    sinh tan tand tanh erf erfc
    ascii bit_length btrim char_length character_length chr concat concat_ws format initcap left length
    lower lpad ltrim md5 normalize is_normalized octet_length overlay position quote_ident quote_literal
    quote_nullable regexp_count regexp_instr regexp_like regexp_match regexp_matches regexp_replace
    regexp_split_to_array regexp_split_to_table regexp_substr repeat replace reverse right rpad rtrim
    split_part starts_with string_to_array string_to_table strpos substr substring to_ascii to_hex
    translate unistr upper similar_to_escape convert convert_from convert_to decode encode sha224 sha256
    sha384 sha512 get_bit get_byte bit_count
    to_char to_date to_number to_timestamp
    age clock_timestamp date_add date_bin date_part date_subtract date_trunc extract isfinite
    justify_days justify_hours justify_interval make_date make_interval make_time make_timestamp
    make_timestamptz now statement_timestamp timeofday transaction_timestamp timezone overlaps
    any_value array_agg avg bit_and bit_or bit_xor bool_and bool_or count every json_agg jsonb_agg
    json_object_agg jsonb_object_agg max min string_agg sum corr covar_pop covar_samp regr_avgx
    regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy stddev
    stddev_pop stddev_samp variance var_pop var_samp mode percentile_cont percentile_disc range_agg
    range_intersect_agg
    row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
    num_nulls num_nonnulls
    to_json to_jsonb array_to_json row_to_json json_build_array jsonb_build_array json_build_object
    jsonb_build_object json_object jsonb_object json_array_length jsonb_array_length json_each
    jsonb_each json_each_text jsonb_each_text json_extract_path jsonb_extract_path
    json_extract_path_text jsonb_extract_path_text json_object_keys jsonb_object_keys
    json_array_elements jsonb_array_elements json_array_elements_text jsonb_array_elements_text
    json_typeof jsonb_typeof json_strip_nulls jsonb_strip_nulls jsonb_set jsonb_set_lax jsonb_insert
    jsonb_pretty jsonb_path_exists jsonb_path_match jsonb_path_query jsonb_path_query_array
    jsonb_path_query_first json_to_record jsonb_to_record json_to_recordset jsonb_to_recordset
    array_append array_cat array_dims array_fill array_length array_lower array_ndims array_position
    array_positions array_prepend array_remove array_replace array_to_string array_upper cardinality
    trim_array unnest generate_series generate_subscripts
    lower_inc upper_inc lower_inf upper_inf isempty range_merge multirange
    int4range int8range numrange daterange tsrange tstzrange
    area center diameter height isclosed isopen npoints pclose popen radius slope width bound_box
    diagonal
    host hostmask masklen netmask network abbrev broadcast family inet_merge inet_same_family
    pg_typeof format_type to_regclass to_regtype to_regproc to_regprocedure to_regnamespace
    col_description obj_description current_database current_schema current_schemas version
    pg_collation_for system_user
    to_tsvector to_tsquery plainto_tsquery phraseto_tsquery websearch_to_tsquery ts_rank ts_rank_cd
    ts_headline setweight
    bool int2 int4 int8 float4 float8 numeric text varchar bpchar name date time timetz timestamp
    timestamptz interval cidr point line lseg box path polygon circle
""")

#: PostGIS functions: ``ST_*`` of the ``postgis`` extension, its casts and version functions.
POSTGIS_FUNCTIONS = _names("""
    st_3dclosestpoint st_3ddfullywithin st_3ddistance st_3ddwithin st_3dextent st_3dintersects
    st_3dlength st_3dlineinterpolatepoint st_3dlongestline st_3dmakebox st_3dmaxdistance st_3dperimeter
    st_3dshortestline st_addmeasure st_addpoint st_affine st_angle st_area st_area2d st_asbinary
    st_asencodedpolyline st_asewkb st_asewkt st_asflatgeobuf st_asgeobuf st_asgeojson st_asgml
    st_ashexewkb st_askml st_aslatlontext st_asmarc21 st_asmvt st_asmvtgeom st_assvg st_astext st_astwkb
    st_asx3d st_azimuth st_bdmpolyfromtext st_bdpolyfromtext st_boundary st_boundingdiagonal
    st_box2dfromgeohash st_buffer st_buildarea st_centroid st_chaikinsmoothing st_cleangeometry
    st_clipbybox2d st_closestpoint st_closestpointofapproach st_clusterdbscan st_clusterintersecting
    st_clusterkmeans st_clusterwithin st_collect st_collectionextract st_collectionhomogenize
    st_combinebbox st_concavehull st_contains st_containsproperly st_convexhull st_coorddim st_coveredby
    st_covers st_cpawithin st_crosses st_curvetoline st_delaunaytriangles st_dfullywithin st_difference
    st_dimension st_disjoint st_distance st_distancecpa st_distancesphere st_distancespheroid st_dump
    st_dumppoints st_dumprings st_dumpsegments st_dwithin st_endpoint st_envelope st_equals
    st_estimatedextent st_expand st_extent st_exteriorring st_filterbym st_findextent st_flipcoordinates
    st_force2d st_force3d st_force3dm st_force3dz st_force4d st_forcecollection st_forcecurve
    st_forcepolygonccw st_forcepolygoncw st_forcerhr st_forcesfs st_frechetdistance st_fromflatgeobuf
    st_fromflatgeobuftotable st_generatepoints st_geogfromtext st_geogfromwkb st_geographyfromtext
    st_geohash st_geomcollfromtext st_geomcollfromwkb st_geometricmedian st_geometryfromtext
    st_geometryn st_geometrytype st_geomfromewkb st_geomfromewkt st_geomfromgeohash st_geomfromgeojson
    st_geomfromgml st_geomfromkml st_geomfrommarc21 st_geomfromtext st_geomfromtwkb st_geomfromwkb
    st_gmltosql st_hasarc st_hausdorffdistance st_hexagon st_hexagongrid st_interiorringn
    st_interpolatepoint st_intersection st_intersects st_isclosed st_iscollection st_isempty
    st_ispolygonccw st_ispolygoncw st_isring st_issimple st_isvalid st_isvaliddetail st_isvalidreason
    st_isvalidtrajectory st_length st_length2d st_length2dspheroid st_lengthspheroid st_letters
    st_linecrossingdirection st_linefromencodedpolyline st_linefrommultipoint st_linefromtext
    st_linefromwkb st_lineinterpolatepoint st_lineinterpolatepoints st_linelocatepoint st_linemerge
    st_linestringfromwkb st_linesubstring st_linetocurve st_locatealong st_locatebetween
    st_locatebetweenelevations st_longestline st_m st_makebox2d st_makeenvelope st_makeline st_makepoint
    st_makepointm st_makepolygon st_makevalid st_maxdistance st_maximuminscribedcircle st_memcollect
    st_memsize st_memunion st_minimumboundingcircle st_minimumboundingradius st_minimumclearance
    st_minimumclearanceline st_mlinefromtext st_mlinefromwkb st_mpointfromtext st_mpointfromwkb
    st_mpolyfromtext st_mpolyfromwkb st_multi st_multilinefromwkb st_multilinestringfromtext
    st_multipointfromtext st_multipointfromwkb st_multipolyfromwkb st_multipolygonfromtext st_ndims
    st_node st_normalize st_npoints st_nrings st_numgeometries st_numinteriorring st_numinteriorrings
    st_numpatches st_numpoints st_offsetcurve st_orderingequals st_orientedenvelope st_overlaps
    st_patchn st_perimeter st_perimeter2d st_point st_pointfromgeohash st_pointfromtext st_pointfromwkb
    st_pointinsidecircle st_pointm st_pointn st_pointonsurface st_points st_pointz st_pointzm
    st_polyfromtext st_polyfromwkb st_polygon st_polygonfromtext st_polygonfromwkb st_polygonize
    st_project st_quantizecoordinates st_reduceprecision st_relate st_relatematch st_removepoint
    st_removerepeatedpoints st_reverse st_rotate st_rotatex st_rotatey st_rotatez st_scale st_scroll
    st_segmentize st_seteffectivearea st_setpoint st_setsrid st_sharedpaths st_shiftlongitude
    st_shortestline st_simplify st_simplifypolygonhull st_simplifypreservetopology st_simplifyvw st_snap
    st_snaptogrid st_split st_square st_squaregrid st_srid st_startpoint st_subdivide st_summary
    st_swapordinates st_symdifference st_symmetricdifference st_tileenvelope st_touches st_transform
    st_translate st_transscale st_triangulatepolygon st_unaryunion st_union st_voronoilines
    st_voronoipolygons st_within st_wkbtosql st_wkttosql st_wrapx st_x st_xmax st_xmin st_y st_ymax
    st_ymin st_z st_zmax st_zmflag st_zmin
    box2d box3d geometry geography geometrytype find_srid equals get_proj4_from_srid postgis_version
    postgis_lib_version postgis_full_version postgis_geos_version postgis_proj_version
    postgis_typmod_dims postgis_typmod_srid postgis_typmod_type postgis_type_name postgis_getbbox
    postgis_hasbbox postgis_constraint_dims postgis_constraint_srid postgis_constraint_type
""")

FUNCTIONS = BUILTIN_FUNCTIONS | POSTGIS_FUNCTIONS

#: Operators of PostgreSQL and PostGIS (their functions are pure: comparisons, arithmetic, text,
#: json, arrays, ranges, geometry, bounding boxes, distances).
OPERATORS = _names("""
    + - * / % ^ |/ ||/ @ & | # ~ << >> = <> != < > <= >= || ~~ ~~* !~~ !~~* !~ !~* ~* !!
    -> ->> #> #>> #- ? ?| ?& @> <@ @? @@ @@@ ^@ && -|- &< &> <<| |>> &<| |&> <^ >^ <-> ?# ?- ?-| ?|| ## @-@
    <<= >>= ~= ~<~ ~<=~ ~>=~ ~>~
    &&& &/& <#> <<->> <<@ @>> |=| ~== ~~=
""")

#: Types a value may be cast to (their input and cast functions are the server's own or PostGIS's).
TYPES = _names("""
    bool boolean int2 int4 int8 smallint integer int bigint float4 float8 real numeric decimal text
    varchar bpchar char name bytea date time timetz timestamp timestamptz interval json jsonb jsonpath
    uuid inet cidr macaddr macaddr8 money point line lseg box path polygon circle bit varbit oid
    regclass regtype regproc regprocedure regoper regoperator regnamespace regrole regcollation
    tsvector tsquery int4range int8range numrange daterange tsrange tstzrange int4multirange
    int8multirange nummultirange datemultirange tsmultirange tstzmultirange record
    geometry geography box2d box3d
""")

#: Schemas a function, operator or type may be qualified with (``pg_catalog.upper``,
#: ``public.ST_X``); the unqualified name must be on the list all the same.
SCHEMAS = _names("pg_catalog public postgis")
