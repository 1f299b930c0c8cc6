"""Context: what the words around a figure say it is — place, category, township, total, year, role.

:class:`Context` holds what the whole text fixes (place, year, category system, the county's
registry) and classifies each :class:`~landgis.plan.mentions.Mention` from the words before it.
"""

from __future__ import annotations

import re
from collections import Counter

from landgis import categories as _cats
from landgis.county import County, county_of_plan_text
from landgis.names import area_of_short_name, normalise_name
from landgis.plan.doctype import dateline_place
from landgis.plan.mentions import FIGURE as FIGURE_RE
from landgis.plan.ledger import reason
from landgis.plan.mentions import YEAR, Mention

__all__ = ["Context"]

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"  # with CJK Extension A (湖㳇镇)

_TOWN_SUFFIX = (r"(?:街道办事处|街道办|街道|民族乡|族乡|镇|乡|经济技术开发区|高新技术产业开发区|开发区|"
                r"产业园区|工业园区|工业园|园区|高新区|新区|管理区|区|苏木|农场|林场)")
# Words that may follow a township's name before its figure: 阳城镇土地供应量为 / 1.浈江区:计划供应 …
_TAIL_TOKENS = (r"(?:人民政府|政府|管委会|管理委员会|辖区|范围内|区域内|境内|内|本年度|年度|全年|国有|建设|土地|用地|计划|"
                r"拟|供应|供地|安排|总量|量|总规模|规模|总面积|面积|合计|小计|共计|总计|约为|为|约|共|"
                r"控制在|达到|达|是|规划|合|最多|最少|最大|最小|各类|各项|高达|占比最高|占比最大|最高|拟为|的|:|\s)")
_TAIL_RE = re.compile(rf"^{_TAIL_TOKENS}*$")
_TOWN_RE = re.compile(rf"^([{_HAN}]{{1,12}}?{_TOWN_SUFFIX})({_TAIL_TOKENS}*)$")
_NOT_TOWN = re.compile(r"^(?:全|本|各|该|其|每|我|中心|主城|老城|县城|城区|市区|城镇|乡镇|辖区|镇区|园区|"
                       r"开发区|高新区|新区|工业园|产业园|工业园区|产业园区|管理区|片区|社区|小区|地区|街道|山区|"
                       r"农场|林场|区|镇|乡)|[市县]区$|乡镇$|各(?:区|县|乡镇|镇|街道)|市辖区|市本级|(?:用地|绿地|设施)")
_LEAD_RE = re.compile(r"^(?:\s|\d+\s*[.、)]|[(]?[一二三四五六七八九十]+[)、.]|\(\d+\)|[①-⑳]|今年|本年度|本年|我(?:市|县|区|旗)|确定|明确|据统计|据悉|据了解|据介绍|"
                      r"[\u4e00-\u9fff]{0,8}?\d{1,2}月\d{1,2}日(?:电|讯)|"
                      r"(?:19|20)\d{2}\s*年度?|其中|包括|具体为|分别为|主要为|含|及|和|与|以及|另|"
                      r"(?:全部|均|都|主要|分别)?(?:安排在|位于|落在|分布于|分布在|集中在|布局在)|按镇分|按乡镇分|(?:供应量|供地量|规模)?最多的是|(?:供应量|供地量|规模)?最少的是|其次是|其次为|其次|再次是|然后是)+")
_LEAD_NAME_RE = re.compile(r"^(?:\s|\d+\s*[.、)]|[(]?[一二三四五六七八九十]+[)、.]|\(\d+\)|[①-⑳]|今年|本年度|本年|我(?:市|县|区|旗)|确定|明确|据统计|据悉|据了解|据介绍|"
                           r"[\u4e00-\u9fff]{0,8}?\d{1,2}月\d{1,2}日(?:电|讯)|"
                           r"(?:19|20)\d{2}\s*年度?|其中|包括|具体为|分别为|主要为|含|另|"
                           r"(?:全部|均|都|主要|分别)?(?:安排在|位于|落在|分布于|分布在|集中在|布局在)|按镇分|按乡镇分|(?:供应量|供地量|规模)?最多的是|(?:供应量|供地量|规模)?最少的是|其次是|其次为|其次|再次是|然后是)+")  # keeps 和/及/与
_SUM_WORD = re.compile(r"(?:总|一)?共(?:计|约|为|达)*")  # …，共22公顷: the sum of the figures before it
_TOTAL_WORDS = re.compile(r"总量|总规模|总面积|合计|总计|共计|小计|(?:全|本)(?:市|县|区|旗)|市区|县域|全域|全年|计划量")
_IGNORE_WORDS = re.compile(
    r"季度|[0-9一二三四五六七八九十]+月|上半年|下半年|出让|划拨|租赁|作价|协议|招拍挂|新增|存量|储备|批而未供|"
    r"闲置|增量|征收|农用地|耕地|未利用地|增减挂钩|城乡|已供|实际|完成|年均|期间|规划期|十[一二三四五六]五"
)
#: Why a figure of a split (季度, 出让, 存量 …) is not a category: the assembler keeps one method's or one
#: period's (:mod:`landgis.plan.splits`) and sets the others aside with this reason (a ``ledger.reason`` key).
SPLIT_REASON = "split"
#: The reason (a ``ledger.reason`` key) of a figure the context cannot name: the assembler may still place it.
UNKNOWN_REASON = "unknown"
_SUB_MARK = re.compile(r"^\s*(?:其中|含|包括|包含)")
_PRIOR_SECTION = re.compile(r"上年|上一年|去年|执行情况|完成情况|实施情况|回顾|供应情况")
_PRIOR_SENTENCE = re.compile(r"执行情况|上年度|上一年度|去年")  # unless the sentence names the plan year
_DONE_SENTENCE = re.compile(r"实际供应|实际供地|已供应|已供地|完成率|已完成|累计供应|完成计划的|实际用地")  # always past figures
_COMPARE = re.compile(r"(?:比|较|同比|环比).{0,16}?(?:增加|减少|增长|下降|多|少|持平)|上年|去年|上一年")
_HEADING1 = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|第[一二三四五六七八九十]+[章部节])")
_HEADING2 = re.compile(r"^\s*\(\s*[一二三四五六七八九十]+\s*\)")
_STRUCT_WORDS = re.compile(r"结构|按用途|用途分|分用途|分类型|按类型|按地类")
_NO_SUPPLY = re.compile(
    r"(?:暂无|无|不安排|未安排|没有|不再安排|暂不安排|未列入|不列入|不涉及)[^,;。]{0,6}?(?:供地|供应|用地|土地|计划)"
)
_FULL_CATEGORY = re.compile(rf"^[^{_HAN}]*?(?:全部|均|都|全|全数)(?:为|是|用于|属于|作为)([{_HAN}]{{2,16}})")
_UNKNOWN_CAT = re.compile(rf"^([{_HAN}]{{2,12}}用地)$")
_NOT_CATEGORY = re.compile(r"建设|新增|增量|存量|国有|集体|出让|划拨|储备|供应|计划|农用|未利用|耕地|土地|全|本|总|合计|其余|"
                           r"其他建设|经营性|公益性|民生保障|民生项目|项目|重点|供地|拟供|收储|闲置|批而未供")

# Parts of a city that are no registry county: 市本级, 市区 … (a scope of their own, or an area of a 全市 plan)
SUBSCOPE = re.compile(r"^(市本级|市直|市区|城区|主城区|中心城区|市辖区)(?!部门|单位|机关|有关|相关|各)(\([^()]*\))?"
                      r"(?:范围内|范围|区域内|区域|内)?")
# Generic area words (高新区, 开发区 …): a name only where the sentence lists named districts beside them
_GENERIC_AREA = re.compile(r"^(?:高新区|开发区|经开区|新区|度假区|高新开发区|经济开发区|综合保税区|保税区|工业园区|产业园区|园区)$")
# A single parcel or project (…路东地块, 总部地块, 两个地块, 酒店二期): its area is no figure of the plan
_PARCEL = re.compile(r"地块|[一二三四五六七八九]期$")
# What follows the plan's place name when the place only opens a total's label (天津全市…, 北京土地供应…)
_AFTER_PLACE = re.compile(r"(?:全|今年|本年|年度|(?:19|20)\d\d|国有|建设|计划|拟|供应|供地|土地|各类|用地)")
_PLAN_WORDS = re.compile(r"供应|供地|计划|安排|出让")
# A plan's own category names (深圳 产业用地, 民生设施用地) and the standard class each falls in, where one does
PLAN_OWN_CATEGORIES = {"产业用地": "工矿仓储用地", "民生设施用地": None}

_NATIONAL_PLAN = re.compile(rf"全国[{_HAN}]{{0,12}}?计划")
# 住房供地计划调整为…, 住房用地计划总量为…: the figure of a housing plan, whatever verb follows
_HOUSING_PLAN = re.compile(r"住房(?:用地)?(?:供地|供应)?计划")
_COUNTED_ELSEWHERE = re.compile(r"^[^;。]*?(?:已|均已)(?:分别)?(?:计入|包含在|含在|列入)")

# Groupings of categories: stated subtotals, never categories and never counted twice.
_GROUP_RE = re.compile(rf"((?:非)?经营性|产业|其他|其它|公益性|民生保障|基建与公服|基础设施|公共基础设施|城乡建设)"
                       rf"(?:项目)?类?(?:建设)?用地{_TAIL_TOKENS}*$")

# Sub-categories plans name in brackets or after 其中 (they are part of a category, not one of their own).
SUBCATEGORY_WORDS = re.compile(
    r"保障性|保障房|安居|公租|廉租|经济适用|共有产权|租赁住房|安置|棚户|棚改|商品住|普通商品|中小套型|"
    r"人才住房|限价|自住|标准厂房|租赁住宅|停车场|停车设施|商品房|普通住宅|其他住宅|产权|租赁类|旧城改造|经适房|三类住房"
)


class Context:
    """What the plan's text as a whole says: place, year, category system and the county's townships.

    Examples
    --------
    >>> ctx = Context(["阳山县2026年度国有建设用地供应计划"], "阳山县2026年度国有建设用地供应计划")
    >>> ctx.place, ctx.year, ctx.classify_category("住宅用地")
    ('阳山县', 2026, ('住宅用地', '07'))
    """

    def __init__(self, lines: list[str], text: str, county: County | None = None):
        self.place, self.year = self._title(lines, text)
        dated = None
        # a news item whose body names no place: its dateline does (醴陵市自然资源局讯), unless the plan is the
        # nation's (新华社北京5月15日电 … 全国住房用地供应计划: 北京 is where the wire was filed)
        if self.place is None and not _NATIONAL_PLAN.search(text):
            dated = dateline_place(lines)
            self.place = self._clean_place(dated) if dated and re.search(r"[市县区旗盟]$", dated) else dated
        # the county the caller names, else the one the text names (None when it names none or an ambiguous one);
        # a dateline's short name (长沙) is a city's, not a county name to look up
        bare = dated is not None and self.place == dated and not re.search(r"[市县区旗盟]$", dated)
        #: Whether the place is a news dateline's (where the item was filed), not the plan's own words.
        self.place_from_dateline = dated is not None
        self.county = county if county is not None else county_of_plan_text(text, None if bare else self.place,
                                                                             strict=False)
        self.registry = self.county.registry if self.county is not None else None
        self.system = self._system(text)
        self.unknown: list[str] = []  # category names the registry does not know
        # 绵阳市市区…计划: the plan covers part of the city; 全市 figures are not this plan's
        title = next((line for line in lines[:8] if line.strip()), "")
        scope = re.search(r"(中心城区|主城区|市区|城区)", title.split(str(self.year))[0] if self.year else title)
        self.scope = scope.group(1) if scope else None
        # areas the text names by a short name: 绵阳高新技术产业开发区（以下简称高新区）
        self.short_names = set(re.findall(rf"(?:以下简称|简称)[\s“\"']*([{_HAN}]{{2,8}})", text))
        #: The scope of the plan's total once it is read: a 市区/市本级 word, or "全" (the whole place).
        #: A title naming the whole (宁波全市…计划) fixes it before any total: 市区 figures are then an area.
        whole = re.search(r"全(?:市|县|区|旗)", title.split("计划")[0])
        self.total_scope: str | None = "全" if whole and self.scope is None else None
        #: Names of a plan's own category system (产业用地 …) the text uses as categories: never given members.
        self.plan_own = {name for name in PLAN_OWN_CATEGORIES if name in text
                         and not re.search(name + r"[^。;\n]{0,24}?(?:包括|包含|含|其中|\()[^。;\n]{0,8}?(?:工矿|工业|仓储|用地)", text)
                         and not re.search(r"(?:等|和|与|及|、)" + name, text)}
        #: Areas the text names in full (蓉江新区): a bare 新区 later refers to one of them, it is no area of its own.
        self.text_areas = set(re.findall(r"[\u4e00-\u9fff]{2,8}?(?:新区|开发区|高新区|度假区|园区|保税区)", text))
        #: A quarter's plan (一季度…供应计划): its quarter words do not set its figures aside.
        self.quarter_plan = bool(re.search(r"[一二三四1-4]季度[^。\n]{0,24}(?:供应|供地)计划", text[:600]))
        #: Whether the sentence being read lists named districts (so 高新区, 新区 … are names there).
        self.lists_areas = False

    # --- place, year, system --------------------------------------------------------------
    def _title(self, lines: list[str], text: str) -> tuple[str | None, int | None]:
        """Place and year from the title: 阳山县2026年度…供应计划, 2026年阳山县…, …供应计划（2026年度）."""
        adm = r"(?:自治县|自治州|自治旗|市|县|区|旗|盟)"
        title_re = re.compile(
            rf"([{_HAN}]{{2,14}}?{adm})?[^市县区旗\d\s]{{0,12}}?\s*((?:19|20)\d{{2}})\s*年度?\s*"
            rf"([{_HAN}]{{2,12}}?{adm})?[{_HAN}()]*?(?:供应计划|供地计划|出让计划)"
        )
        late = re.compile(rf"([{_HAN}]{{2,14}}?{adm})[{_HAN}]*?(?:供应计划|供地计划)\s*\(?\s*((?:19|20)\d{{2}})")
        for chunk in (lines[:15], lines):
            for line in chunk:
                m = title_re.search(line)
                if m:
                    return self._clean_place(m.group(1) or m.group(3)), int(m.group(2))
                m = late.search(line)
                if m:
                    return self._clean_place(m.group(1)), int(m.group(2))
        years = Counter(int(y) for y in YEAR.findall(text))
        year = years.most_common(1)[0][0] if years else None
        # 《聊城市辖区年国有建设用地供应计划》: a quoted title names the place even where its year is lost
        quoted = re.search(rf"《([{_HAN}]{{1,14}}?{adm})[^《》]*?计划》", text)
        return (self._clean_place(quoted.group(1)) if quoted else None), year

    @staticmethod
    def _clean_place(place: str | None) -> str | None:
        """关于印发广东省肇庆市怀集县 → 怀集县 (the county, without the levels above it)."""
        if not place:
            return None
        # 自然资源和规划局关于公布实施天门市 → 天门市: the place follows the last function word of a heading
        place = re.split(r"关于|印发|发布|公布|下达|实施|转发|通知|编制|做好", place)[-1]
        place = re.sub(r"^(?:了|本|全|我)+", "", place)
        if len(place) < 2:
            return None  # 我市, 本县: the text's own place, unnamed
        if re.search(r"计划|供应|日前|获|批准|公布|年", place):
            return None  # 年全市住房用地供应计划日前获市: words of a sentence, not a place
        place = re.sub(r"(?<=[市县区旗])全[市县区旗]$", "", place)  # 某市全市 → 某市
        place = re.sub(r"全(?=[市县区旗]$)", "", place)  # 宁波全市 → 宁波市
        # 绵阳市市区, 赣州市中心城区: the plan covers part of the city; the place is the city
        scope = re.match(rf"^([{_HAN}]{{2,12}}?(?:市|县|区|旗))(?:中心城区|主城区|城区|市区|市辖区|市本级|城市规划区|规划区|各区)$", place)
        if scope:
            place = scope.group(1)
        m = re.match(rf".*(?:省|自治区|市|州|盟)([{_HAN}]{{2,10}}?(?:自治县|自治旗|市|县|区|旗))$", place)
        if m and not place.endswith("自治州"):
            place = m.group(1)
        return place or None

    def _system(self, text: str) -> str | None:
        votes = Counter()
        for name in _cats.category_names():
            if name in text:
                systems = {c.system for c in _cats.CATEGORIES if name in (c.name, *c.aliases)}
                if len(systems) == 1:
                    votes[systems.pop()] += text.count(name)
        if not votes:
            return None
        return votes.most_common(1)[0][0]

    # --- names ----------------------------------------------------------------------------
    def category(self, name: str) -> tuple[str, str] | None:
        cat = _cats.lookup(name, self.system)
        return (cat.name, cat.code) if cat else None

    def town_name(self, name: str) -> str:
        name = re.sub(r"街道办(?:事处)?$", "街道", name)  # 怀城街道办 is 怀城街道
        if self.registry is not None:
            hit = self.registry.resolve(name)
            if hit:
                return hit
        # a bare 新区 / 高新区 is the one area of that kind the text names in full (蓉江新区); a short name the text
        # defines itself (以下简称经开区) is the text's own name for it
        full = None if name in self.short_names else area_of_short_name(name, [a for a in self.text_areas if not re.search(r"的|是|为|在|和|与|及|、", a)])
        return normalise_name(full or name)

    def _registry_town(self, label: str) -> str | None:
        """A township of the shipped registry written without its suffix (阳城 …)."""
        if self.registry is None:
            return None
        names = []
        for row in self.registry.table.itertuples():
            names.extend([row.name, *row.aliases])
        for alias in sorted(names, key=len, reverse=True):
            if label.startswith(alias) and _TAIL_RE.match(label[len(alias):]):
                return self.registry.resolve(alias)
        return None

    def _registry_prefix(self, text: str) -> tuple[str, int] | None:
        """A township of the county's registry that ``text`` opens with, suffix or not (环科园…),
        and the length of the name as written."""
        if self.registry is None:
            return None
        names = [n for row in self.registry.table.itertuples() for n in (row.name, *row.aliases) if len(n) >= 2]
        for alias in sorted(names, key=len, reverse=True):
            if text.startswith(alias):
                return self.registry.resolve(alias), len(alias)
        return None

    def classify_town(self, label: str, joined: bool = False) -> str | None:
        """The township a label names, read whole: 和桥镇 keeps its 和.

        A leading 和/及/与 is a conjunction only when the label follows a figure directly
        (``joined``: 住宅用地3公顷和星子镇…) or the county's registry knows the name without it.
        """
        whole = self._town(_LEAD_NAME_RE.sub("", label).strip())
        bare = self._town(_LEAD_RE.sub("", label).strip())
        if whole is None or whole == bare:
            return bare
        if bare is None:
            return whole
        if self.registry is not None:
            known = [t for t in (whole, bare) if self.registry.resolve(t)]
            if len(known) == 1:
                return known[0]
        return bare if joined else whole

    def category_header(self, text: str) -> tuple[str, bool] | None:
        """The category a clause opens with before a colon (住宅用地：禅城区…), and whether it is a 其中 part.

        Examples: ``住宅用地:`` → ("住宅用地", False); ``其中保障性住房用地:`` → ("保障性住房用地", True).
        """
        m = re.match(r"^\s*([^:,;。]{2,24}?)\s*:", text)
        if not m or FIGURE_RE.search(m.group(1)) or FIGURE_RE.match(text[m.end():].lstrip()):
            return None  # 住宅用地：6公顷 is the category's figure, not a heading over townships
        head = _LEAD_NAME_RE.sub("", m.group(1)).strip()
        sub = bool(re.match(r"^\s*(?:其中|含)", m.group(1))) or bool(SUBCATEGORY_WORDS.search(head))
        if sub and re.search(r"(?:用地|住房|住宅|房)$", head):
            return re.sub(r"^(?:其中|含)", "", head), True
        cat = self.classify_category(head)
        return (cat[0], False) if cat and _cats.lookup(head, self.system) is not None else None

    def leading_town(self, text: str) -> str | None:
        """The township a clause opens with: 钟管镇延续… → 钟管镇 (None when it opens otherwise)."""
        opening = _LEAD_NAME_RE.sub("", text).strip()
        area = self.subscope_area(opening)
        if area:
            return area  # 市区范围内，…: the figures that follow are 市区's
        first = FIGURE_RE.search(opening)
        before = opening[: first.start()] if first else opening
        if _PARCEL.search(before) and not _PLAN_WORDS.search(before):
            return None  # 其中撮镇…路…地块(1.13公顷): a place locating a parcel does not head the figures
        m = re.match(rf"^([{_HAN}]{{1,12}}?{_TOWN_SUFFIX})", opening)
        if m is None:
            hit = self._registry_prefix(opening)  # 环科园安排…: a registry name without a suffix
            return hit[0] if hit else None
        name = m.group(1).split("的")[-1] if m else ""  # 与南康区毗邻的经开区 → 经开区
        if len(name) < 2 or not self._is_name(name):
            return None
        return self.town_name(name)

    def _town(self, label: str) -> str | None:
        if not label:
            return None
        for part in dict.fromkeys([label, label.split("的")[-1]]):  # 度假区的供应计划为 / 与南康区毗邻的经开区
            m = _TOWN_RE.match(part)
            if m and len(m.group(1)) >= 2 and self._is_name(m.group(1)):
                return self._known_tail(m.group(1)) or self.town_name(m.group(1))
        return self._registry_town(label)

    def _known_tail(self, name: str) -> str | None:
        """The registry's place a longer run of words ends in: 可以看出东昌府区 → 东昌府区 (None when the run is
        itself a name the registry knows, or ends in none)."""
        if self.registry is None or self.registry.resolve(name):
            return None
        known = [n for n in self.registry.names if len(n) >= 3 and name.endswith(n)]
        return self.registry.resolve(max(known, key=len)) if known else None

    def _is_name(self, name: str) -> bool:
        """A township or district name, not a generic word (城区, 全区, 各区 …); 高新区 only in a list of districts."""
        if name in self.short_names or (self.place and name == self.place):
            return name in self.short_names
        if _NOT_TOWN.search(name):
            return bool(self.lists_areas and _GENERIC_AREA.match(name)
                        and not any(a != name and a.endswith(name) for a in self.text_areas))
        return True

    def subscope_area(self, text: str) -> str | None:
        """The part of the city a clause opens with (市本级, 市区范围内 …) when it is not the plan's own scope.

        The plan's scope is the one its title names, else the one of its total: 市区 figures in a 全市
        plan are an area of their own (with the districts it lists in brackets, 市直(京口、润州)).
        """
        m = SUBSCOPE.match(_LEAD_RE.sub("", text).strip())
        if not m:
            return None
        word = m.group(1)
        own = self.scope or (self.total_scope if self.total_scope != "全" else None)
        if own == word or (own is None and self.total_scope is None):
            return None
        return word + (m.group(2) or "")

    def classify_category(self, label: str) -> tuple[str, str] | None:
        """(canonical name, code) for a label ending in a category name ('' code when unknown)."""
        stripped = re.sub(rf"{_TAIL_TOKENS}*$", "", label)
        # the tail tokens include 用地/土地: put them back when they were the end of a name
        candidates = [label, stripped] + [label[: len(stripped) + k] for k in (2, 4) if len(label) > len(stripped)]
        for cand in candidates:
            for name in _cats.category_names():
                if cand.endswith(name):
                    hit = self.category(name)
                    if hit:
                        return hit
        for cand in candidates:
            core = _LEAD_RE.sub("", cand).strip()
            m = _UNKNOWN_CAT.match(core)
            if m and not _NOT_CATEGORY.search(m.group(1)) and not self.classify_town(core):
                return (m.group(1), "")
        return None

    def _town_prefix(self, label: str) -> str | None:
        """The township in "阳城镇安排住宅用地" (a township and a category in one label)."""
        label = _LEAD_RE.sub("", label)
        m = re.match(rf"^([{_HAN}]{{1,12}}?{_TOWN_SUFFIX})", label)
        if m is not None and self._is_name(m.group(1)):
            town, end = self.town_name(m.group(1)), m.end()
        else:
            hit = self._registry_prefix(label) if m is None else None  # 环科园安排工矿仓储用地
            if hit is None:
                return None
            town, end = hit
        rest = re.sub(rf"^{_TAIL_TOKENS.replace('用地|', '')}*", "", label[end:])
        rest = re.sub(rf"{_TAIL_TOKENS}*$", "", rest) if not _cats.lookup(rest) else rest
        return town if rest and _cats.lookup(rest) else None

    def classify_group(self, label: str) -> str | None:
        """A grouping of categories (经营性用地, 其他用地 …) that a label ends in, or a list of categories
        with one figure (交通用地、水域和水利设施用地1650公顷), named as printed.

        产业用地 is a group where the text names what it holds (工业和商服等产业用地, 产业用地X公顷，包括
        工矿用地…); where it never does, a category of the plan's own system (深圳).
        """
        core = _LEAD_RE.sub("", label)
        m = _GROUP_RE.search(core)
        if m and f"{m.group(1)}用地" in self.plan_own and not re.search(r"等|和|与|及|、|包括|含", core[: m.start(1)]):
            m = None
        if m:
            return f"{m.group(1)}用地"
        stripped = re.sub(rf"{_TAIL_TOKENS}*$", "", core)
        if _cats.lookup(stripped) or _cats.lookup(stripped + "用地"):
            return None  # 工矿仓储及工业用地: one name
        for sep in (r"、", r"、|和|以及|及(?!水利)|与(?!公共|开敞)"):
            parts = [p for p in re.split(sep, stripped) if p]
            if len(parts) >= 2:
                cats = [self.classify_category(p) or self.classify_category(p + "用地") for p in parts]
                if all(cats) and len({c[0] for c in cats}) >= 2:
                    return stripped
        return None

    @property
    def own_scope(self) -> str | None:
        """The part of the city the plan covers (市区 …), by its title or its total; None for the whole."""
        return self.scope or (self.total_scope if self.total_scope not in (None, "全") else None)

    def set_aside_words(self, text: str) -> bool:
        """Whether words of a split (季度, 出让, 存量 …) stand in ``text`` (季度 not in a quarter's own plan)."""
        hits = _IGNORE_WORDS.findall(text)
        if self.quarter_plan:
            hits = [h for h in hits if "季度" not in h]
        return bool(hits)

    def scope_word(self, text: str) -> str | None:
        """The 市区/市本级 … word a total's label opens with, if any."""
        m = SUBSCOPE.match(self._strip_place(_LEAD_RE.sub("", text).strip()))
        return m.group(1) if m else None

    def _strip_place(self, label: str) -> str:
        """天津全市拟供应… → 全市拟供应…: the plan's own place opening a label says nothing more."""
        names = [self.place, re.sub(r"(?:市|县|区|旗)$", "", self.place)] if self.place else []
        for name in names:
            if len(name) >= 2 and label.startswith(name) and _AFTER_PLACE.match(label[len(name):]):
                return label[len(name):]
        m = re.match(rf"^[{_HAN}]{{1,6}}?[市县](?={_AFTER_PLACE.pattern})", label)  # 某市拟供应…: a city's name
        return label[m.end():] if m else label

    def classify(self, fig: Mention) -> None:
        """Say what a figure is (kind, name, reason) from the words before it."""
        prev_segment = fig.prev_segment
        label = self._strip_place(_LEAD_NAME_RE.sub("", fig.label.strip()))
        tail_only = bool(_TAIL_RE.match(_LEAD_RE.sub("", label)))  # 2021年度计划供应 …
        # "住宅用地：29.3公顷", "阳城镇：计划供应62公顷": the name is before the colon
        cands = [label, prev_segment + label] if tail_only else [label]
        for lab in cands:
            core = re.sub(r"(?:为|是|约|达|共|计|:|\s)+$", "", _LEAD_RE.sub("", lab))
            bare = re.sub(rf"{_TAIL_TOKENS}*$", "", core)  # 普通住宅供地 → 普通住宅
            for name in (core, bare):
                if SUBCATEGORY_WORDS.search(name) and re.search(r"(?:用地|住房|住宅|房|改造|停车场|安居工程)$", name):
                    fig.kind, fig.name = "sub_item", name
                    return
        chain = re.search(r"([^,;:。()]+、)$", fig.pre)  # 其它特殊用地、交通用地、水域和水利设施用地1650公顷
        for lab in ([chain.group(1) + label] if chain else []) + cands:
            group = self.classify_group(lab)
            if group:
                fig.kind, fig.name = "group", group
                return
        for lab in cands:
            cat = self.classify_category(lab)
            if cat is None and (re.sub(rf"{_TAIL_TOKENS}*$", "", lab).endswith("住房")
                                or _HOUSING_PLAN.search(lab)):
                cat = self.category("住宅用地")  # 住房供应计划为1237公顷: a housing plan's figure is 住宅用地
            if cat:
                fig.kind, fig.name = "category", cat[0]
                fig.town_prefix = self._town_prefix(lab)
                if not cat[1] and cat[0] not in self.unknown:
                    self.unknown.append(cat[0])
                return
        for lab in cands:
            area = self.subscope_area(lab)
            if area:
                fig.kind, fig.name = "township", area
                return
        context = label if label and not tail_only else prev_segment + label
        if _PARCEL.search(context) and not _PLAN_WORDS.search(context):
            fig.kind, fig.reason = "ignore", reason("parcel")
            return
        if self.set_aside_words(label):
            fig.kind, fig.reason = "ignore", reason(SPLIT_REASON)
            return
        if _COUNTED_ELSEWHERE.match(fig.after):
            fig.kind, fig.reason = "ignore", reason("counted_elsewhere")
            return
        for lab in cands:
            town = self.classify_town(lab, joined=fig.joined)
            if town:
                fig.kind, fig.name = "township", town
                return
        scoped = bool(self.scope) and self.scope in _LEAD_RE.sub("", label)[:len(self.scope) + 1]
        if (scoped or _TOTAL_WORDS.search(_LEAD_RE.sub("", label)) or _SUM_WORD.fullmatch(label)
                or (tail_only and _TOTAL_WORDS.search(prev_segment))):
            fig.kind = "total"
        elif tail_only and re.search(r"供应|供地|安排", label) and not self.set_aside_words(prev_segment):
            fig.kind = "total_weak"  # "本年度计划供应国有建设用地X公顷": the total, unless a township's
        elif fig.pre.endswith("(") and not label:
            fig.kind, fig.reason = "ignore", reason("bracket_parcel")
        else:
            fig.kind, fig.reason = "ignore", reason(UNKNOWN_REASON)

    def no_supply_names(self, sentence: str) -> list[str]:
        """Townships a sentence names as receiving nothing (暂无供地安排)."""
        names: list[str] = []
        m = _NO_SUPPLY.search(sentence)
        if not m:
            return names
        head = sentence[: m.start()]
        head = re.sub(r"(?:本年度|今年|年内|\d{4}年度?|计划期内|均|都|暂时|暂)+$", "", head)
        for part in re.split(r"[、,和及与]", head):
            part = _LEAD_RE.sub("", part.split(":")[-1]).strip()
            if not part:
                continue
            mm = re.match(rf"^([{_HAN}]{{1,12}}?{_TOWN_SUFFIX})$", part)
            if mm and not _NOT_TOWN.search(mm.group(1)):
                name = self.town_name(mm.group(1))
                names.append(name)
            elif self.registry is not None and self.registry.resolve(part):
                name = self.registry.resolve(part)
                names.append(name)
        return names

    def town_header(self, pre: str) -> str | None:
        """A township named before a colon with no figure of its own: "阳城镇：住宅用地…"."""
        m = re.search(r"([^,;:。、()\t ]+)\s*:\s*(?:(?:其中|包括|具体为|主要为|分别为)\s*:?\s*)?$", pre)
        return self.classify_town(m.group(1)) if m else None
