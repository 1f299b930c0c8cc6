"""The compiled loops of :mod:`landgis.qa.overlap` (numba; compiled once, cached on disk, released GIL).

* :func:`prepare_edges`: a layer's ring edges weighted for Green's theorem, in runs with boxes;
* :func:`grid_cells`, :func:`grid_pairs`: the layer's polygon boxes binned in a grid of square cells, and
  the (parcel, polygon) pairs whose boxes meet, in order (what an STRtree query gives, without GEOS);
* :func:`coordinate_boxes`, :func:`z_keys`, :func:`regroup`: parcels' boxes from their coordinates,
  their places along a Z curve, and the rows found put back in the parcels' order;
* :func:`convex_pieces`: parcels as convex pieces (themselves, or fans of triangles);
* :func:`unit_areas`: the area of (convex piece ∩ layer polygon) for each pair, and whether it is
  degenerate (left to GEOS by the caller).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["prepare_edges", "grid_cells", "grid_pairs", "coordinate_boxes", "z_keys", "regroup",
           "convex_pieces", "unit_areas", "MAX_CROSS"]

#: Crossings per piece edge the kernel keeps; a pair with more is left to GEOS.
MAX_CROSS = 64


@njit(cache=True, nogil=True)
def prepare_edges(xy, ring_off, ring_feature, shell, nfeat, run):  # pragma: no cover - compiled
    """Edge weights per coordinate (0: no edge starts there) and runs of ``run`` coordinates per polygon.

    The weight is +1 where the ring runs as Green's theorem wants it (shells counter-clockwise,
    holes clockwise), −1 where it runs the other way.
    """
    n = xy.shape[0]
    nr = ring_off.shape[0] - 1
    w = np.zeros(n, np.int8)  # one byte an edge: the kernel reads it for every edge it looks at
    first = np.full(nfeat, -1, np.int64)
    last = np.full(nfeat, -1, np.int64)
    for r in range(nr):
        a, b = ring_off[r], ring_off[r + 1]
        if b - a < 2:
            continue
        x0, y0 = xy[a, 0], xy[a, 1]
        twice = 0.0
        for i in range(a, b - 1):
            twice += (xy[i, 0] - x0) * (xy[i + 1, 1] - y0) - (xy[i + 1, 0] - x0) * (xy[i, 1] - y0)
        sign = 1 if twice > 0 else (-1 if twice < 0 else 0)
        want = 1 if shell[r] else -1
        for i in range(a, b - 1):
            w[i] = want * sign
        f = ring_feature[r]
        if first[f] < 0:
            first[f] = a
        last[f] = b
    run_count = np.zeros(nfeat, np.int64)
    for f in range(nfeat):
        if first[f] >= 0:
            run_count[f] = (last[f] - first[f] + run - 1) // run
    run_start = np.cumsum(run_count) - run_count
    total = run_count.sum()
    run_first = np.empty(total, np.int64)
    run_len = np.empty(total, np.int64)
    run_box = np.empty((total, 4))
    for f in range(nfeat):
        for k in range(run_count[f]):
            r = run_start[f] + k
            a = first[f] + k * run
            b = min(a + run, last[f])
            run_first[r] = a
            run_len[r] = b - a
            lo_x, lo_y, hi_x, hi_y = np.inf, np.inf, -np.inf, -np.inf
            for i in range(a, min(b + 1, last[f])):  # the end point of the run's last edge too
                lo_x = min(lo_x, xy[i, 0])
                lo_y = min(lo_y, xy[i, 1])
                hi_x = max(hi_x, xy[i, 0])
                hi_y = max(hi_y, xy[i, 1])
            run_box[r, 0], run_box[r, 1], run_box[r, 2], run_box[r, 3] = lo_x, lo_y, hi_x, hi_y
    return w, run_start, run_count, run_first, run_len, run_box


@njit(cache=True, nogil=True)
def coordinate_boxes(xy, start, count):  # pragma: no cover - compiled
    """(minx, miny, maxx, maxy) of each geometry's coordinates ``xy[start[i]:start[i] + count[i]]``."""
    n = start.shape[0]
    box = np.empty((n, 4))
    for i in range(n):
        lox, loy, hix, hiy = np.inf, np.inf, -np.inf, -np.inf
        for j in range(start[i], start[i] + count[i]):
            lox = min(lox, xy[j, 0])
            loy = min(loy, xy[j, 1])
            hix = max(hix, xy[j, 0])
            hiy = max(hiy, xy[j, 1])
        box[i, 0], box[i, 1], box[i, 2], box[i, 3] = lox, loy, hix, hiy
    return box


@njit(cache=True, nogil=True)
def z_keys(box, bits):  # pragma: no cover - compiled
    """Each box centre's place along a Z (Morton) curve on a 2**bits × 2**bits grid over all the centres;
    a box without coordinates (infinite or NaN) gets the last place, 4**bits − 1."""
    n = box.shape[0]
    cx = np.empty(n)
    cy = np.empty(n)
    lox, loy, hix, hiy = np.inf, np.inf, -np.inf, -np.inf
    for i in range(n):
        cx[i] = (box[i, 0] + box[i, 2]) * 0.5
        cy[i] = (box[i, 1] + box[i, 3]) * 0.5
        if np.isfinite(cx[i]) and np.isfinite(cy[i]):
            lox, loy = min(lox, cx[i]), min(loy, cy[i])
            hix, hiy = max(hix, cx[i]), max(hiy, cy[i])
    side = 1 << bits
    sx = side / max(hix - lox, 1e-300)
    sy = side / max(hiy - loy, 1e-300)
    key = np.empty(n, np.int64)
    for i in range(n):
        if not (np.isfinite(cx[i]) and np.isfinite(cy[i])):
            key[i] = (1 << (2 * bits)) - 1
            continue
        gx = min(int((cx[i] - lox) * sx), side - 1)
        gy = min(int((cy[i] - loy) * sy), side - 1)
        k = 0
        for b in range(bits):
            k |= ((gx >> b) & 1) << (2 * b) | ((gy >> b) & 1) << (2 * b + 1)
        key[i] = k
    return key


@njit(cache=True, nogil=True)
def regroup(parcel, order, n):  # pragma: no cover - compiled
    """Rows grouped by parcel ``parcel`` (ascending, numbered in ``order``'s sequence: parcel i is
    ``order[i]`` as given) reordered by the given parcels' numbers, each group keeping its order.
    Returns the rows' new order and their parcels as given."""
    per = np.zeros(n + 1, np.int64)
    for r in range(parcel.shape[0]):
        per[parcel[r] + 1] += 1
    first = np.cumsum(per)  # first row of each parcel (in processing order)
    inverse = np.empty(n, np.int64)
    for i in range(n):
        inverse[order[i]] = i
    rows = np.empty(parcel.shape[0], np.int64)
    given = np.empty(parcel.shape[0], np.int64)
    k = 0
    for j in range(n):
        i = inverse[j]
        for r in range(first[i], first[i + 1]):
            rows[k] = r
            given[k] = j
            k += 1
    return rows, given


@njit(cache=True, nogil=True, inline="always")
def _cell(v, origin, size, top):  # pragma: no cover - compiled
    """The grid column (or row) of coordinate ``v``, clamped to 0 … top."""
    c = int(np.floor((v - origin) / size))
    return 0 if c < 0 else (top if c > top else c)


@njit(cache=True, nogil=True)
def grid_cells(box, x0, y0, size, nx, ny):  # pragma: no cover - compiled
    """Polygons by grid cell (compressed rows): every cell a polygon's box meets lists it.

    Returns (first item of each cell, with one past the end last; polygon of each item).
    """
    n = box.shape[0]
    count = np.zeros(nx * ny + 1, np.int64)
    for f in range(n):
        for cy in range(_cell(box[f, 1], y0, size, ny - 1), _cell(box[f, 3], y0, size, ny - 1) + 1):
            for cx in range(_cell(box[f, 0], x0, size, nx - 1), _cell(box[f, 2], x0, size, nx - 1) + 1):
                count[cy * nx + cx + 1] += 1
    first = np.cumsum(count)
    fill = first[:-1].copy()
    items = np.empty(first[-1], np.int64)
    for f in range(n):
        for cy in range(_cell(box[f, 1], y0, size, ny - 1), _cell(box[f, 3], y0, size, ny - 1) + 1):
            for cx in range(_cell(box[f, 0], x0, size, nx - 1), _cell(box[f, 2], x0, size, nx - 1) + 1):
                items[fill[cy * nx + cx]] = f
                fill[cy * nx + cx] += 1
    return first, items


@njit(cache=True, nogil=True)
def _grid_visit(i, pb, fbox, first, items, x0, y0, size, nx, ny, out, at):  # pragma: no cover - compiled
    """Polygons whose boxes meet parcel box ``pb`` (closed boxes), each once: written to ``out[at:]``
    when ``out`` has room, counted always. A pair is taken only in the cell holding the lower-left
    corner of the two boxes' common part, so a pair in several cells is not repeated."""
    if pb[i, 2] < x0 or pb[i, 3] < y0:
        return 0
    cx0, cx1 = _cell(pb[i, 0], x0, size, nx - 1), _cell(pb[i, 2], x0, size, nx - 1)
    cy0, cy1 = _cell(pb[i, 1], y0, size, ny - 1), _cell(pb[i, 3], y0, size, ny - 1)
    k = 0
    for cy in range(cy0, cy1 + 1):
        for cx in range(cx0, cx1 + 1):
            c = cy * nx + cx
            for j in range(first[c], first[c + 1]):
                f = items[j]
                if fbox[f, 0] > pb[i, 2] or fbox[f, 2] < pb[i, 0] or fbox[f, 1] > pb[i, 3] or fbox[f, 3] < pb[i, 1]:
                    continue
                if _cell(max(pb[i, 0], fbox[f, 0]), x0, size, nx - 1) != cx or \
                        _cell(max(pb[i, 1], fbox[f, 1]), y0, size, ny - 1) != cy:
                    continue
                if at + k < out.shape[0]:
                    out[at + k] = f
                k += 1
    return k


@njit(cache=True, nogil=True)
def grid_pairs(pbox, use, fbox, first, items, x0, y0, size, nx, ny, rank):  # pragma: no cover - compiled
    """(parcel, polygon) pairs whose boxes meet, for the parcels where ``use``; ordered by parcel, then
    polygon's ``rank``."""
    n = pbox.shape[0]
    cap = 4 * n + 16
    p = np.empty(cap, np.int64)
    q = np.empty(cap, np.int64)
    m = 0
    for i in range(n):
        if not use[i]:
            continue
        k = _grid_visit(i, pbox, fbox, first, items, x0, y0, size, nx, ny, q, m)
        if m + k > cap:  # no room for them all: grow, and find them again
            cap = 2 * (m + k)
            p2 = np.empty(cap, np.int64)
            q2 = np.empty(cap, np.int64)
            p2[:m] = p[:m]
            q2[:m] = q[:m]
            p, q = p2, q2
            _grid_visit(i, pbox, fbox, first, items, x0, y0, size, nx, ny, q, m)
        for j in range(m + 1, m + k):  # insertion sort: a parcel meets few polygons
            v = q[j]
            h = j - 1
            while h >= m and rank[q[h]] > rank[v]:
                q[h + 1] = q[h]
                h -= 1
            q[h + 1] = v
        p[m:m + k] = i
        m += k
    return p[:m].copy(), q[:m].copy()


@njit(cache=True, nogil=True)
def convex_pieces(xy, start, count, K):  # pragma: no cover - compiled
    """Convex pieces of polygons whose coordinates are ``xy[start[i]:start[i] + count[i]]``.

    Returns (owner, corners (pieces, K, 2) counter-clockwise, corner count, convex flag per polygon);
    a convex polygon with more than K corners becomes a fan of triangles; a polygon that is not convex
    and simple (turning once around, always the same way), or not one ring (its first point comes back
    before its last: a hole follows, or the ring touches itself there), gets no piece here (its flag is
    False). A convex, simple ring is a valid polygon, so these need no GEOS validity test.
    """
    n = start.shape[0]
    corners = np.empty((xy.shape[0], 2))
    cstart = np.empty(n, np.int64)
    ccount = np.zeros(n, np.int64)
    convex = np.zeros(n, np.bool_)
    pieces = 0
    at = 0
    for i in range(n):
        a = start[i]
        m = 0
        cstart[i] = at
        ring_end = a + 1
        while ring_end < a + count[i] and not (xy[ring_end, 0] == xy[a, 0] and xy[ring_end, 1] == xy[a, 1]):
            ring_end += 1
        if ring_end != a + count[i] - 1:  # holes, or a ring through its first point twice, or not closed
            continue
        for j in range(a, a + count[i] - 1):  # without the closing point, without repeats
            if m > 0 and xy[j, 0] == corners[at + m - 1, 0] and xy[j, 1] == corners[at + m - 1, 1]:
                continue
            corners[at + m, 0] = xy[j, 0]
            corners[at + m, 1] = xy[j, 1]
            m += 1
        while m > 1 and corners[at + m - 1, 0] == corners[at, 0] and corners[at + m - 1, 1] == corners[at, 1]:
            m -= 1
        ccount[i] = m
        at += m
        if m < 3:
            continue
        left = 0
        right = 0
        back = 0
        up = 0
        down = 0
        for j in range(m):
            p = cstart[i] + (j - 1) % m
            c = cstart[i] + j
            q = cstart[i] + (j + 1) % m
            ux, uy = corners[c, 0] - corners[p, 0], corners[c, 1] - corners[p, 1]
            vx, vy = corners[q, 0] - corners[c, 0], corners[q, 1] - corners[c, 1]
            turn = ux * vy - uy * vx
            if turn > 0:
                left += 1
            elif turn < 0:
                right += 1
            elif ux * vx + uy * vy <= 0:  # straight back: a spike
                back += 1
            # the edges' direction passing +x (counter-clockwise) or −x… (clockwise): with every turn
            # the same way and under half a turn, once per time around
            if uy < 0.0 <= vy:
                up += 1
            if uy >= 0.0 > vy:
                down += 1
        # convex and simple: every turn the same way, once around (a pentagram turns the same way twice)
        if back == 0 and ((left > 0 and right == 0 and up == 1) or (right > 0 and left == 0 and down == 1)):
            convex[i] = True
            pieces += 1 if m <= K else m - 2
    owner = np.empty(pieces, np.int64)
    verts = np.full((pieces, K, 2), np.nan)
    vcount = np.empty(pieces, np.int64)
    k = 0
    for i in range(n):
        if not convex[i]:
            continue
        m = ccount[i]
        c0 = cstart[i]
        x0, y0 = corners[c0, 0], corners[c0, 1]
        twice = 0.0
        for j in range(m - 1):
            twice += (corners[c0 + j, 0] - x0) * (corners[c0 + j + 1, 1] - y0) - \
                     (corners[c0 + j + 1, 0] - x0) * (corners[c0 + j, 1] - y0)
        if m <= K:
            for j in range(m):
                src = c0 + (j if twice > 0 else (m - j) % m)
                verts[k, j, 0] = corners[src, 0]
                verts[k, j, 1] = corners[src, 1]
            owner[k] = i
            vcount[k] = m
            k += 1
        else:
            for t in range(m - 2):
                for j, jj in enumerate((0, t + 1, t + 2)):
                    src = c0 + (jj if twice > 0 else (m - jj) % m)
                    verts[k, j, 0] = corners[src, 0]
                    verts[k, j, 1] = corners[src, 1]
                owner[k] = i
                vcount[k] = 3
                k += 1
    return owner, verts, vcount, convex


@njit(cache=True, nogil=True)
def unit_areas(V, cnt, unit_piece, unit_poly, run_start, run_count, run_box, run_first, run_len,
               xy, weight, eps, out_area, out_bad):  # pragma: no cover - compiled
    """Area of (convex piece ∩ layer polygon) per unit, by Green's theorem, in coordinates local to the piece.

    The parts of the polygon's edges inside the piece (Cyrus–Beck against the piece's half-planes)
    plus the parts of the piece's edges inside the polygon (in or out at the first corner by an
    even–odd ray towards +x, changing at each crossing), each adding (x dy − y dx)/2. A polygon corner
    within ``eps`` of a piece edge's line, a crossing at an edge's end, too many crossings, or an
    outline that does not come back as it left, marks the unit as degenerate.
    """
    K = V.shape[1]
    ax = np.empty(K)
    ay = np.empty(K)
    dxp = np.empty(K)
    dyp = np.empty(K)
    lenp = np.empty(K)
    cross_at = np.empty((K, MAX_CROSS))
    ncross = np.zeros(K, np.int64)
    for u in range(unit_piece.shape[0]):
        pc = unit_piece[u]
        n = cnt[pc]
        f = unit_poly[u]
        ox = V[pc, 0, 0]
        oy = V[pc, 0, 1]
        lox, loy, hix, hiy = _local_piece(V, pc, n, eps, ax, ay, dxp, dyp, lenp, ncross)
        bad = False
        area = 0.0
        inside0 = False
        for r in range(run_start[f], run_start[f] + run_count[f]):
            bx0 = run_box[r, 0] - ox
            by0 = run_box[r, 1] - oy
            bx1 = run_box[r, 2] - ox
            by1 = run_box[r, 3] - oy
            ray = by0 <= 0.0 <= by1 and bx1 >= 0.0
            box = bx0 <= hix and bx1 >= lox and by0 <= hiy and by1 >= loy
            if not (ray or box):
                continue
            for e in range(run_first[r], run_first[r] + run_len[r]):
                we = weight[e]
                if we == 0:
                    continue
                x0 = xy[e, 0] - ox
                y0 = xy[e, 1] - oy
                x1 = xy[e + 1, 0] - ox
                y1 = xy[e + 1, 1] - oy
                if ray and ((y0 > 0.0) != (y1 > 0.0)):
                    if x0 + (0.0 - y0) * (x1 - x0) / (y1 - y0) > 0.0:
                        inside0 = not inside0
                if not box:
                    continue
                if max(x0, x1) < lox or min(x0, x1) > hix or max(y0, y1) < loy or min(y0, y1) > hiy:
                    continue
                dx = x1 - x0
                dy = y1 - y0
                tmin = 0.0
                tmax = 1.0
                for k in range(n):
                    ex = dxp[k]
                    ey = dyp[k]
                    num = ex * (y0 - ay[k]) - ey * (x0 - ax[k])
                    den = ex * dy - ey * dx
                    if abs(num) <= eps * lenp[k] or abs(num + den) <= eps * lenp[k]:
                        bad = True
                    if den == 0.0:
                        if num < 0.0:
                            tmax = -1.0
                        continue
                    if num > 0.0 and num + den > 0.0:  # both ends inside half-plane k: no clip, no crossing
                        continue
                    t = -num / den
                    if den > 0.0:
                        if t > tmin:
                            tmin = t
                    elif t < tmax:
                        tmax = t
                    if not (-eps < t < 1.0 + eps):  # no crossing with piece edge k: spare the division for s
                        continue
                    s = (dx * (y0 - ay[k]) - dy * (x0 - ax[k])) / -den
                    if -eps < s < 1.0 + eps:
                        if abs(s) * lenp[k] < eps or abs(1.0 - s) * lenp[k] < eps or t < eps or t > 1.0 - eps:
                            bad = True
                        if ncross[k] < MAX_CROSS:
                            cross_at[k, ncross[k]] = s
                            ncross[k] += 1
                        else:
                            bad = True
                if tmax > tmin:
                    area += (tmax - tmin) * (x0 * dy - y0 * dx) * 0.5 * we
        area, state = _piece_edges_in_polygon(area, inside0, n, ax, ay, dxp, dyp, cross_at, ncross)
        if state != inside0:
            bad = True
        out_area[u] = area
        out_bad[u] = bad


# unit_areas' first and last steps, inlined by numba (inline="always"): as calls per unit, a split of the
# kernel ran 45 % slower; inlined, these two cost nothing measurable, while the clipping loop in the middle,
# split out even inlined, cost 12 %, so it stays in place. The areas are the same, bit for bit.
@njit(cache=True, nogil=True, inline="always")
def _local_piece(V, pc, n, eps, ax, ay, dxp, dyp, lenp, ncross):  # pragma: no cover - compiled
    """Piece ``pc``'s corners relative to its first (into ``ax``, ``ay``), its edges (``dxp``, ``dyp``,
    ``lenp``), no crossings yet; returns its box grown by ``eps``."""
    ox = V[pc, 0, 0]
    oy = V[pc, 0, 1]
    lox, loy, hix, hiy = 0.0, 0.0, 0.0, 0.0
    for k in range(n):
        ax[k] = V[pc, k, 0] - ox
        ay[k] = V[pc, k, 1] - oy
        lox = min(lox, ax[k])
        loy = min(loy, ay[k])
        hix = max(hix, ax[k])
        hiy = max(hiy, ay[k])
    for k in range(n):
        nx = ax[k + 1] if k + 1 < n else 0.0
        ny = ay[k + 1] if k + 1 < n else 0.0
        dxp[k] = nx - ax[k]
        dyp[k] = ny - ay[k]
        lenp[k] = np.hypot(dxp[k], dyp[k])
        ncross[k] = 0
    return lox - eps, loy - eps, hix + eps, hiy + eps


@njit(cache=True, nogil=True, inline="always")
def _piece_edges_in_polygon(area, inside0, n, ax, ay, dxp, dyp, cross_at, ncross):  # pragma: no cover - compiled
    """``area`` plus the parts of the piece's edges inside the polygon (in at the first corner when
    ``inside0``, switching at each crossing in order along the edge); returns it and the state the
    outline comes back with."""
    state = inside0
    for k in range(n):
        m = ncross[k]
        for i in range(1, m):  # insertion sort of the crossings along piece edge k
            v = cross_at[k, i]
            j = i - 1
            while j >= 0 and cross_at[k, j] > v:
                cross_at[k, j + 1] = cross_at[k, j]
                j -= 1
            cross_at[k, j + 1] = v
        length = 1.0 if state else 0.0
        for i in range(m):
            s = cross_at[k, i]
            length += (s - 1.0) if state else (1.0 - s)
            state = not state
        area += length * (ax[k] * dyp[k] - ay[k] * dxp[k]) * 0.5
    return area, state


@njit(cache=True, nogil=True)
def ring_offsets(xy, part_start, part_count, part_rings):  # pragma: no cover - compiled
    """Ring offsets of polygons whose closed rings follow each other in ``xy`` (as ``get_coordinates``
    gives them): a ring ends where its first point comes back. Returns (offsets, part of each ring,
    first ring of each part, ok); not ok when the rings do not add up (an invalid polygon)."""
    total = part_rings.sum()
    off = np.empty(total + 1, np.int64)
    ring_part = np.empty(total, np.int64)
    r = 0
    for p in range(part_start.shape[0]):
        s = part_start[p]
        end = s + part_count[p]
        if part_rings[p] == 1:  # a shell alone: all its coordinates
            off[r] = s
            ring_part[r] = p
            r += 1
            continue
        for _ in range(part_rings[p]):
            j = s + 1
            while j < end and not (xy[j, 0] == xy[s, 0] and xy[j, 1] == xy[s, 1]):
                j += 1
            if j >= end:
                return off, ring_part, False
            off[r] = s
            ring_part[r] = p
            r += 1
            s = j + 1
        if s != end:
            return off, ring_part, False
    off[total] = xy.shape[0]
    return off, ring_part, True
