"""What a text is: a land supply plan, a report about one, or something else that talks about land.

Texts that quote figures but are no plan — news of land auctions, a 土地储备计划 (land reserve plan),
a 供地结果公示 (notice of parcels already supplied) — are recognised by their title and wording, so
that their figures never become a plan (:func:`not_a_plan`).

A plan reaches readers mostly as a news item, a repost or a Q&A (记者, 来源, 编辑 lines, site
chrome): such a text carries the plan's figures and is read; :func:`report_about` says that it is a
report and names the plan it reports on, so that the reader is told to prefer the official document.
"""

from __future__ import annotations

import re

from landgis.catalog import Message, message

__all__ = ["not_a_plan", "no_plan_named", "report_about", "plan_title_in", "dateline_place"]

_PLAN_TITLE = re.compile(r"(?:19|20)\d{2}\s*年.{0,24}?(?:供应|供地)计划|(?:供应|供地)计划\s*\(?\s*(?:19|20)\d{2}")
_NOT_TITLE = re.compile(r"成交|竞得|完成|执行情况|进度|拍出|摘牌")  # a headline about a plan, not its title
# (what it looks like, a title pattern)
_OTHER_TITLES = (
    ("a 土地储备计划 (land reserve plan)", re.compile(r"储备计划|收储计划|储备土地.*计划")),
    ("a 供地结果公示 (notice of land already supplied)",
     re.compile(r"(?:供地|供应|出让|成交|划拨)(?:结果|情况)(?:公示|公告|公开)|结果公示|成交公示|成交公告|"
                r"出让公告|挂牌公告|拍卖公告|出让(?:结果|成交)")),
    ("a 供地情况 report (land supplied in past years)", re.compile(r"供应情况(?:公告|报告|通报)|供地情况(?:公告|报告|通报)")),
)
# Words by which a text says its figures are a plan's (供应计划, 计划供应, 拟供应 …): a text with area
# figures but none of these words (statistics of land already supplied) carries no figure of a plan.
# 供应年度计划 and 供应三年滚动计划 name a plan too, and so does a 供应安排 (分类供应安排, 各镇供应安排).
_PLAN_NAMED = re.compile(r"(?:供应|供地)[^,，。.;；:：\n]{0,4}?计划|(?:出让|用地)计划|(?:供应|供地)安排"
                         r"|计划(?:供应|供地|安排|出让)|拟(?:供应|供地|安排|出让)")
# Marks of a news item, a repost or a Q&A page around the plan's words.
_NEWS = re.compile(r"本报讯|记者|通讯员|新华社|据.{0,6}报道|责任编辑|责编|编辑[:：]|来源[:：]|稿源|原标题|"
                   r"转载|[0-9]{1,2}月[0-9]{1,2}日(?:电|讯)|网讯|^\s*问[:：]|^\s*答[:：]", re.M)
_AUCTION = re.compile(r"成交价|竞得|溢价率?|起始价|起拍价|楼面价|受让人|竞买|举牌|轮报价|底价成交|挂牌出让|拍卖出让")
# The plan a text speaks of: 《天津市2023年度国有建设用地供应计划》, or a title line of one.
_QUOTED_PLAN = re.compile(r"《([^《》\n]{2,60}?(?:供应|供地|用地)计划[^《》\n]{0,12})》")


def _title(lines: list[str]) -> str:
    """The first line with words (a heading), where a document says what it is."""
    for line in lines[:8]:
        text = line.strip()
        if len(re.findall(r"[\u4e00-\u9fff]", text)) >= 4:
            return text
    return ""


def plan_title_in(lines: list[str]) -> str | None:
    """The title of the plan a text is or speaks of: a 《…计划》 it quotes, else a title line naming a plan.

    Examples
    --------
    >>> plan_title_in(["3月30日,天津市规划资源局发布了《天津市2023年度国有建设用地供应计划》。"])
    '天津市2023年度国有建设用地供应计划'
    >>> plan_title_in(["阳山县2026年度国有建设用地供应计划", "一、…"])
    '阳山县2026年度国有建设用地供应计划'
    """
    for line in lines:
        m = _QUOTED_PLAN.search(line)
        if m:
            return m.group(1).strip()
    for line in lines[:12]:
        text = line.strip()
        if _PLAN_TITLE.search(text) and not _NOT_TITLE.search(text) and len(text) <= 60:
            return text
    return None


def not_a_plan(lines: list[str]) -> Message | None:
    """What the text looks like when it is not a supply plan nor a report of one (with the evidence), else None.

    A news item about a supply plan is not refused here (see :func:`report_about`); news of auctions
    (three or more auction words: 竞得, 溢价率, 起始价 …) is, even where it quotes a plan's total.

    Examples
    --------
    >>> str(not_a_plan(["江阴市2024年度土地储备计划", "二、…"]))
    "a 土地储备计划 (land reserve plan): its title is '江阴市2024年度土地储备计划'"
    >>> not_a_plan(["阳山县2026年度国有建设用地供应计划"]) is None
    True
    """
    title = _title(lines)
    plan_title = bool(_PLAN_TITLE.search(title)) and not _NOT_TITLE.search(title)
    for what, pattern in _OTHER_TITLES:
        if pattern.search(title):
            return message("{what}: its title is '{title}'", what=message(what), title=title[:60])
    body = "\n".join(lines)
    auction = sorted(set(_AUCTION.findall(body)))
    if not plan_title and len(auction) >= 3:  # a report of auctions, even where it quotes a plan's total
        return message("news or a notice of land auctions (it speaks of {words}): its title is '{title}'",
                       words="、".join(auction[:5]), title=title[:60])
    return None


def no_plan_named(lines: list[str]) -> Message | None:
    """Why figures read from a text are no plan's when the text never names a plan (else None).

    Statistics of land already supplied (前三季度…住宅用地供应9.17万公顷) read like a plan's figures;
    only the words 供应计划, 计划供应, 拟供应 … make them a plan's.

    Examples
    --------
    >>> str(no_plan_named(["前三季度土地供应", "全市住宅用地供应835公顷。"]))
    "figures of land with no plan named (no 供应计划, 计划供应, 拟供应 …): its title is '前三季度土地供应'"
    >>> no_plan_named(["某县2026年度国有建设用地供应计划", "住宅用地3公顷。"]) is None
    True
    >>> no_plan_named(["某市国有建设用地供应年度计划", "住宅用地3公顷。"]) is None
    True
    """
    if _PLAN_NAMED.search("\n".join(lines)):
        return None
    return news_without_plan(lines) or message(
        "{what}: its title is '{title}'", title=_title(lines)[:60],
        what=message("figures of land with no plan named (no 供应计划, 计划供应, 拟供应 …)"))


def report_about(lines: list[str]) -> tuple[str, str] | None:
    """``(evidence, plan title or '')`` when the text is a report about a plan (news, repost, Q&A), else None.

    Examples
    --------
    >>> report_about(["今年供地计划公布", "本报讯（记者 某某）《某市2024年度国有建设用地供应计划》公布…"])
    ('本报讯', '某市2024年度国有建设用地供应计划')
    >>> report_about(["阳山县2026年度国有建设用地供应计划", "一、供应总量"]) is None
    True
    """
    m = _NEWS.search("\n".join(lines))
    if m is None:
        return None
    return m.group(0).strip(), plan_title_in(lines) or ""


def news_without_plan(lines: list[str]) -> Message | None:
    """How a report that yields no plan figure looks (for the one-line refusal), else None."""
    report = report_about(lines)
    if report is None:
        return None
    title = _title(lines)
    auction = sorted(set(_AUCTION.findall("\n".join(lines))))
    if auction:
        return message("a news article ('{mark}' in it; auction words {words}) with no figure of a land supply plan: "
                       "its title is '{title}'", mark=report[0], words="、".join(auction[:4]), title=title[:60])
    return message("a news article ('{mark}' in it) with no figure of a land supply plan: its title is '{title}'",
                   mark=report[0], title=title[:60])


_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_ADM = r"(?:自治县|自治州|自治旗|市|县|区|旗|盟)"
# Datelines of a news item, and where they name the place: 醴陵市自然资源局讯, 本报醴陵讯, 新华网长沙3月5日电
_DATELINES = (
    re.compile(rf"^\s*([{_HAN}]{{2,10}}?{_ADM})[{_HAN}]{{0,14}}?(?:局|委员会|委|办|政府|中心|日报|报|网|台)?讯(?![{_HAN}])"),
    re.compile(rf"本报([{_HAN}]{{2,6}}?)讯"),
    re.compile(rf"(?:^|[\s)])(?:新华网|新华社|中新网|人民网|央视网|[{_HAN}]{{2,4}}网)?([{_HAN}]{{2,6}}?)\s*\d{{1,2}}月\d{{1,2}}日\s*(?:电|讯)"),
)


# A media name (中国江苏网, 扬子晚报, 新华社): where the item was published, not a place
_MEDIA = re.compile(r"(?:网|报|台|社|在线|新闻|客户端|频道)$")


def dateline_place(lines: list[str]) -> str | None:
    """The place a news item's dateline names (醴陵市自然资源局讯 → 醴陵市; 新华网长沙3月5日电 → 长沙), else None.

    Only the opening lines are looked at, where a dateline stands; the place is as printed (a city's
    short name stays short: which county it is, the registry decides).

    Examples
    --------
    >>> dateline_place(["供地计划公布", "醴陵市自然资源局讯 近日，2024年度国有建设用地供应计划公布。"])
    '醴陵市'
    >>> dateline_place(["新华网长沙3月5日电 日前公布…"]), dateline_place(["本报醴陵讯(记者 王明)近日…"])
    ('长沙', '醴陵')
    >>> dateline_place(["本报讯(记者 王明)昨日，市公共资源交易中心…"]) is None
    True
    >>> dateline_place(["中国江苏网5月4日讯 记者昨日获悉…"]) is None
    True
    """
    for line in lines[:10]:
        for pattern in _DATELINES:
            m = pattern.search(line)
            if m and not re.search(r"本|我|全|记者|通讯员", m.group(1)) and not _MEDIA.search(m.group(1)):
                return m.group(1)
    return None
