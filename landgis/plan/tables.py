"""Tables in a plan's text: find them among the lines and read their cells into the ledger.

Text tables (whitespace or tab separated, as in a .txt, a PDF text layer or a Word table, and
Markdown) with categories as columns and townships as rows (or the other way round), with 序号
columns, '-' cells, 合计 rows and columns, and long tables (乡镇 | 用途 | 面积); and tables of the
plan's 供应方式 or 时序 (methods or periods as columns or as rows), whose figures are its splits.
"""

from __future__ import annotations

import re
from decimal import Decimal

from landgis.catalog import Message
from landgis.names import normalise_name
from landgis.plan.context import _SUB_MARK, SUBCATEGORY_WORDS, Context
from landgis.plan.ledger import Ledger, reason
from landgis.plan.mentions import CELL_NUM, EMPTY_CELL, FIGURE, decimal_of, unit_of
from landgis.plan.splits import split_header, split_of

__all__ = ["find_tables", "read_table", "cells", "cell_value"]

_TABLE_NAME_HEAD = re.compile(r"镇|乡|街道|区域|地区|行政区|名称|单位|片区|区县|区名|所在")
_TABLE_SEQ_HEAD = re.compile(r"^(?:序号|编号|No\.?|#)$", re.I)
_TABLE_TOTAL = re.compile(r"^(?:合计|总计|小计|共计|总量|合\s*计|全市|全县|全区|市区合计|总计划)")
_TABLE_CAT_HEAD = re.compile(r"用途|用地类型|地类|类别|用地性质|土地用途|用地分类|类型")
_TABLE_VAL_HEAD = re.compile(r"面积|规模|供应量|数量|计划量|供地量|指标|小计|合计")
_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*(万平方米|平方米|公顷|亩|hm2|m2|ha)")
_CONVERTED_ROW = re.compile(r"^(?:折合|折算|换算|合)\s*(?:万平方米|平方米|公顷|亩|hm2|ha)")
_HEADER_UNIT = re.compile(r"[(\[]\s*(万平方米|平方米|公顷|亩|hm2|m2|ha)\s*[)\]]")


def cells(line: str) -> list[str]:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:  # a Markdown table
        if re.fullmatch(r"[|:\-\s]+", stripped):
            return []
        return [c.strip() for c in stripped.strip("|").split("|")]
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return re.sub(r"(?<!\S)([合总小共])\s+计(?!\S)", r"\1计", line).split()  # 合    计 is one cell


def cell_value(cell: str) -> Decimal | None:
    """The figure in a table cell ('12.5', '1,012.35', '12.5公顷'), or None for '-', '' …."""
    cell = re.sub(r"\s+", "", cell)
    cell = re.sub(r"(?:公顷|亩|平方米|hm2|ha|m2)$", "", cell)
    return decimal_of(cell) if CELL_NUM.match(cell) else None


def header_kind(ctx: Context, row: list[str]) -> str | None:
    clean = [_HEADER_UNIT.sub("", c).strip() for c in row]
    n_cat = sum(1 for c in clean if c and ctx.classify_category(c) and not _TABLE_CAT_HEAD.fullmatch(c))
    n_town = sum(1 for c in clean if c and ctx.classify_town(c))
    has_num = any(CELL_NUM.match(c.replace(" ", "")) for c in clean if c)
    if has_num or len(clean) < 2:
        return None
    name_head = any(_TABLE_NAME_HEAD.search(c) for c in clean if not ctx.classify_category(c))
    if (n_cat >= 2 or (n_cat == 1 and name_head)) and n_cat >= n_town:
        return "wide"
    if n_town >= 2:
        return "transposed"
    if n_cat == 0 and n_town == 0 and split_header(clean):  # before "long": 用地类型 | 出让 | 划拨 | 合计
        return "split"
    if any(_TABLE_CAT_HEAD.search(c) for c in clean) and any(_TABLE_VAL_HEAD.search(c) for c in clean):
        return "long"
    return None


def _row_unit(name: str) -> str | None:
    """The unit a row's name states (合计（亩）, 折合公顷), or None."""
    m = re.search(r"[(（]\s*(万平方米|平方米|公顷|亩)\s*[)）]|^(?:折合|折算|换算|合计|总计)\s*(万平方米|平方米|公顷|亩)", name)
    m = m and re.search(r"万平方米|平方米|公顷|亩", m.group(0))
    return unit_of(m.group(0)) if m else None


def table_unit(lines: list[str], start: int, header: list[str]) -> str | None:
    for c in header:
        m = _HEADER_UNIT.search(c)
        if m:
            return unit_of(m.group(1))
    for line in lines[max(0, start - 4) : start]:
        m = _UNIT_LINE.search(line) or _HEADER_UNIT.search(line)
        if m:
            return unit_of(m.group(1))
    return None


def header_rows(lines: list[str], start: int) -> tuple[list[str], int]:
    """The header of the table at ``start``, with the rows a wrapped header continues on joined to it
    (公共管理与 / 公共服务用地 in two aligned rows); and the index of the first line after it."""
    header = cells(lines[start])
    aligned = "\t" in lines[start] or lines[start].strip().startswith("|")
    k = start + 1
    while aligned and k < len(lines) and lines[k].strip() and not FIGURE.search(lines[k]):
        more = cells(lines[k])
        if not more or len(more) > len(header) or any(cell_value(c) is not None for c in more):
            break
        if _TABLE_TOTAL.match(more[0]) or any(c and _TABLE_TOTAL.match(c) for c in more[:1]):
            break
        header = [a + b for a, b in zip(header, more + [""] * (len(header) - len(more)))]
        k += 1
    return header, k


def find_tables(lines: list[str], ctx: Context) -> dict[int, int]:
    """Line ranges of tables: {first line (header): end line (exclusive)}."""
    tables: dict[int, int] = {}
    i = 0
    while i < len(lines):
        head, first = header_rows(lines, i)
        kind = header_kind(ctx, head) if len(head) >= 2 and not FIGURE.search(lines[i]) else None
        if not kind:
            i += 1
            continue
        j = end = first
        while j < len(lines):
            line = lines[j]
            if not line.strip():
                j += 1
                continue
            rc = cells(line)
            if not rc:  # a Markdown separator line
                j += 1
                continue
            if len(rc) < 2 or not any(cell_value(c) is not None or EMPTY_CELL.match(c) for c in rc[1:]):
                break
            j += 1
            end = j
        if end > first:
            tables[i] = end
            i = end
        else:
            i += 1
    return tables


def read_table(lines: list[str], start: int, end: int, ctx: Context, st: Ledger) -> None:
    header, first = header_rows(lines, start)
    kind = header_kind(ctx, header)
    unit = table_unit(lines, start, header) or (st.units.most_common(1)[0][0] if st.units else "公顷")
    clean = [_HEADER_UNIT.sub("", c).strip() for c in header]
    rows = [(i, r) for i, r in ((i, cells(lines[i])) for i in range(first, end) if lines[i].strip()) if r]
    if kind == "long":
        _read_long_table(ctx, st, clean, rows, unit)
        return
    if kind == "split":
        _read_split_table(ctx, st, clean, rows, unit)
        return
    # the first header column that is not 序号 names the rows
    name_col = next((k for k, c in enumerate(clean) if not _TABLE_SEQ_HEAD.match(c)), 0)
    cols = clean[name_col + 1 :]
    parents = _sub_item_columns(ctx, cols) if kind == "wide" else {}
    head_line = lines[start].strip()
    aligned = "\t" in head_line or head_line.startswith("|")  # empty cells are kept
    last_row_cat: str | None = None
    for line, row in rows:
        st.line = line
        name_i = _row_name_index(row, header, name_col, aligned)
        if name_i is None:
            _found(st, row, unit, reason("row_unnamed"))
            continue
        name = re.sub(r"\([^()]*\)", "", row[name_i]).strip() if name_i < len(row) else ""
        if not name:  # 合计 written in the 序号 column, the name cell left empty
            name = next((c for c in row[:name_i] if _TABLE_TOTAL.match(c)), "")
        values = row[name_i + 1 :]
        if _CONVERTED_ROW.match(name):  # 折合公顷 under a 合计（亩） row: the same figures in another unit
            _found(st, values, _row_unit(row[name_i]) or unit, reason("converted_row"))
            continue
        unit_here = _row_unit(row[name_i]) or unit
        if len(values) != len(cols):
            _found(st, values[len(cols):], unit_here, reason("row_cells", header=" ".join(header)))
            values = values[: len(cols)]
        is_total_row = bool(_TABLE_TOTAL.match(name))
        row_town = None if is_total_row else (ctx.classify_town(name) or (normalise_name(name) if kind == "wide" else None))
        row_cat = None if is_total_row else ctx.classify_category(name)
        row_parent = None  # transposed: 其中：保障性住房用地 under the 住宅用地 row is a part of it
        if kind == "transposed" and last_row_cat and (_SUB_MARK.match(name) or SUBCATEGORY_WORDS.search(name)):
            row_parent, row_cat = last_row_cat, None
        elif kind == "transposed":
            last_row_cat = row_cat[0] if row_cat else None
        for col, cell in zip(cols, values):
            value = cell_value(cell)
            if value is None:
                continue
            st.found.append((line, value, unit_here))
            if value == 0:
                st.set_aside(value, unit_here, reason("zero_cell"), f"{name} {col}")
                continue
            entered = len(st.entries)
            col_total = bool(_TABLE_TOTAL.match(col))
            if row_parent:
                col_town = None if col_total else ctx.classify_town(re.sub(r"\([^()]*\)", "", col))
                if col_total or col_town:
                    name_sub = re.sub(r"^\s*(?:其中|含|包括|包含)\s*:?\s*", "", name)
                    st.add_sub_item("structure" if col_total else col_town, row_parent, name_sub, value, unit_here)
                    continue
            if col in parents:  # 其中：保障性住房用地 — a part of the column before, not a category
                name_sub = re.sub(r"^\s*(?:其中|含|包括)\s*:?\s*", "", col)
                st.add_sub_item("structure" if is_total_row else (row_town or name), parents[col], name_sub, value, unit_here)
                continue
            if kind == "wide":
                cat = None if col_total else ctx.classify_category(col)
                if cat and not cat[1] and cat[0] not in ctx.unknown:
                    ctx.unknown.append(cat[0])
                if is_total_row and col_total:
                    _table_total(st, value, unit_here)
                elif is_total_row and cat:
                    st.add_structure(cat[0], value, unit_here)
                elif col_total and row_town:
                    st.add_town_total(row_town, value, unit_here)
                elif cat and row_town:
                    st.add_alloc(row_town, cat[0], value, unit_here)
                elif cat and row_cat is None and not row_town:
                    st.set_aside(value, unit_here, reason("row_not_township"), f"{name} {col}")
            else:  # transposed: rows are categories, columns townships
                col_town = None if col_total else ctx.classify_town(re.sub(r"\([^()]*\)", "", col))
                if is_total_row and col_total:
                    _table_total(st, value, unit_here)
                elif is_total_row and col_town:
                    st.add_town_total(col_town, value, unit_here)
                elif row_cat and col_total:
                    st.add_structure(row_cat[0], value, unit_here)
                elif row_cat and col_town:
                    if not row_cat[1] and row_cat[0] not in ctx.unknown:
                        ctx.unknown.append(row_cat[0])
                    st.add_alloc(col_town, row_cat[0], value, unit_here)
            if len(st.entries) == entered:
                st.enter(value, unit_here, "unplaced", f"{name} {col}", reason("unknown_cell"))


def _sub_item_columns(ctx: Context, cols: list[str]) -> dict[str, str]:
    """Columns that are 其中 parts of the category column before them: {column: parent category}."""
    parents: dict[str, str] = {}
    last = None
    for col in cols:
        sub = _SUB_MARK.match(col) or (SUBCATEGORY_WORDS.search(col) and last is not None)
        if sub and last is not None:
            parents[col] = last
            continue
        cat = ctx.classify_category(col)
        last = cat[0] if cat else None
    return parents


def _table_total(st: Ledger, value: Decimal, unit: str) -> None:
    st.add_total(value, unit, "表格合计")


def _found(st: Ledger, row: list[str], unit: str, why: Message) -> None:
    """Number cells of a row that cannot be read: in the ledger, set aside with the reason."""
    for cell in row:
        value = cell_value(cell)
        if value is not None:
            st.found.append((st.line, value, unit))
            st.set_aside(value, unit, why, " ".join(row))


def _read_long_table(ctx: Context, st: Ledger, header: list[str], rows: list[list[str]], unit: str) -> None:
    """乡镇 | 用途 | 面积 rows (a parcel list adds up by township and category)."""
    cat_col = next(k for k, c in enumerate(header) if _TABLE_CAT_HEAD.search(c))
    val_col = next(k for k, c in enumerate(header) if _TABLE_VAL_HEAD.search(c) and k != cat_col)
    town_col = next((k for pat in (r"镇|乡|街道|行政区|区县|片区", _TABLE_NAME_HEAD.pattern)
                     for k, c in enumerate(header)
                     if re.search(pat, c) and k not in (cat_col, val_col)), None)
    sums: dict[tuple[str | None, str], Decimal] = {}
    last_town = None
    for line, row in rows:
        st.line = line
        if row and _TABLE_TOTAL.match(row[0]) and len(row) < len(header):
            row = [row[0]] * (len(header) - len(row)) + row  # 合计 merged over the left columns
        if len(row) != len(header):
            _found(st, row, unit, reason("row_cells", header=" ".join(header)))
            continue
        value = cell_value(row[val_col])
        if value is None:
            continue
        st.found.append((line, value, unit))
        cat_name = row[cat_col]
        town_name = row[town_col] if town_col is not None else None
        if town_col is not None and not town_name:
            town_name = last_town  # merged cells of a Word table come out empty
        last_town = town_name
        if _TABLE_TOTAL.match(cat_name) or (town_name and _TABLE_TOTAL.match(town_name)):
            if not cat_name or _TABLE_TOTAL.match(cat_name):
                if town_name and not _TABLE_TOTAL.match(town_name):
                    st.add_town_total(ctx.town_name(town_name), value, unit)
                else:
                    _table_total(st, value, unit)
            else:  # 合计 | 住宅用地 | 40: a structure figure
                total_cat = ctx.classify_category(cat_name)
                if total_cat:
                    st.add_structure(total_cat[0], value, unit)
                else:
                    st.set_aside(value, unit, reason("not_category", name=cat_name), " ".join(row))
            continue
        cat = ctx.classify_category(cat_name)
        if cat is None:
            st.set_aside(value, unit, reason("use_not_category", name=cat_name), " ".join(row))
            continue
        if not cat[1] and cat[0] not in ctx.unknown:
            ctx.unknown.append(cat[0])
        key = (ctx.town_name(town_name) if town_name else None, cat[0])
        sums[key] = sums.get(key, Decimal(0)) + value
        role = "structure" if key[0] is None else "township_category"
        st.enter(value, unit, role, " ".join(k for k in key if k), reason("summed"))
    for (town, cat), value in sums.items():
        if town is None:
            st.put_quietly(st.structure, cat, value, unit)
        else:
            st.put_quietly(st.alloc, (town, cat), value, unit)


#: A row or column of shares or running sums, not of areas (占比, 累计 …).
_NOT_AREA = re.compile(r"占比|比例|比重|百分|%|累计|截至|进度")


def _row_name_index(row: list[str], header: list[str], name_col: int, aligned: bool) -> int | None:
    """The cell that names a table row: the header's name column where the row keeps every cell (``aligned``),
    else its first cell that is not a number (序号 cells are integers; a 合计 row often has none); None when
    every cell is a number.

    Examples
    --------
    >>> _row_name_index(["1", "城关镇", "3"], ["序号", "乡镇", "住宅用地"], 1, True)
    1
    >>> _row_name_index(["合计", "9"], ["序号", "乡镇", "住宅用地"], 1, True), _row_name_index(["1", "9"], ["a", "b"], 0, False)
    (0, None)
    """
    if aligned and len(row) == len(header):
        return name_col
    return next((k for k, c in enumerate(row) if c and not CELL_NUM.match(c)), None)


def _read_split_table(ctx: Context, st: Ledger, header: list[str], rows: list[tuple[int, list[str]]],
                      unit: str) -> None:
    """A table of the plan's 方式 or 时序 (methods or periods as columns, or as rows beside a column of areas).

    A cell whose row or column names one method or period, the other being an area (面积, 计划供应量, or
    a row or column with no name of its own), is that split of the plan; a cell naming a method and a
    period, or a split of one category or township, or a share (占比) or running sum (累计), is set aside;
    the table's 合计 is set aside too (the plan states its total in words).
    """
    name_col = next((k for k, c in enumerate(header) if not _TABLE_SEQ_HEAD.match(c)), 0)
    cols = header[name_col + 1:]
    for line, row in rows:
        st.line = line
        name_i = _row_name_index(row, header, name_col, aligned=True)
        if name_i is None:
            _found(st, row, unit, reason("row_unnamed"))
            continue
        name = row[name_i].strip()
        unit_here = _row_unit(name) or unit
        name = _HEADER_UNIT.sub("", re.sub(r"[(（][^()（）]*[)）]", "", name)).strip()
        values = row[name_i + 1:]
        if len(values) != len(cols):
            _found(st, values[len(cols):], unit_here, reason("row_cells", header=" ".join(header)))
            values = values[: len(cols)]
        for col, cell in zip(cols, values):
            value = cell_value(cell)
            if value is None:
                continue
            st.found.append((line, value, unit_here))
            label = f"{name} {col}".strip()
            split, why = _split_cell(ctx, name, col)
            part = _part_total(ctx, st, name) if split is None and _TABLE_TOTAL.match(col) else None
            if part is not None:  # 住宅用地 | … | 合计: the category's (township's) figure, as in other tables
                part(value, unit_here)
            elif split is None and _TABLE_TOTAL.match(name) and _TABLE_TOTAL.match(col):
                _table_total(st, value, unit_here)  # the table's grand total: the plan's total, as in other tables
            elif split is None:
                st.set_aside(value, unit_here, why, label)
            elif value == 0:
                st.set_aside(value, unit_here, reason("zero_cell"), label)
            else:
                st.add_split(*split, value, unit_here, label)


def _part_total(ctx: Context, st: Ledger, name: str):
    """For a 合计 cell of a 方式/时序 table whose row is a category or township: how to enter it, or None."""
    cat = ctx.classify_category(name) if name and not _TABLE_TOTAL.match(name) else None
    if cat:
        if not cat[1] and cat[0] not in ctx.unknown:
            ctx.unknown.append(cat[0])
        return lambda value, unit: st.add_structure(cat[0], value, unit)
    town = ctx.classify_town(name) if name and not _TABLE_TOTAL.match(name) else None
    return (lambda value, unit: st.add_town_total(town, value, unit)) if town else None


def _split_cell(ctx: Context, row: str, col: str) -> tuple[tuple[str, str] | None, Message | None]:
    """The split a cell of a 方式/时序 table is (or None), and else why it is set aside."""
    row_split, col_split = split_of(row) if row else None, split_of(col) if col else None
    if row_split and col_split:
        return None, reason("method_and_period")
    split, other = (row_split, col) if row_split else (col_split, row)
    if _NOT_AREA.search(row) or _NOT_AREA.search(col):
        return None, reason("share")
    if split is None:
        if _TABLE_TOTAL.match(row) or _TABLE_TOTAL.match(col):
            return None, reason("split_table_total")
        return None, reason("split_table_unknown")
    if other and (ctx.classify_category(other) or ctx.classify_town(other)):
        return None, reason("split_of_part", name=other)
    return split, None
