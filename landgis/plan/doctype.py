"""What a text is: a land supply plan, or something else that talks about land (so it is refused).

Texts that quote a plan's figures but are not one — news of land auctions, a 土地储备计划
(land reserve plan), a 供地结果公示 (notice of parcels already supplied) — are recognised by their
title and wording, so that their figures never become a plan.
"""

from __future__ import annotations

import re

__all__ = ["not_a_plan"]

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
_NEWS = re.compile(r"本报讯|记者|通讯员|新华社|据.{0,6}报道|责任编辑|来源[:：].{0,12}(?:报|网|新闻)")
_AUCTION = re.compile(r"成交价|竞得|溢价率?|起始价|起拍价|楼面价|受让人|竞买|举牌|轮报价|底价成交|挂牌出让|拍卖出让")


def _title(lines: list[str]) -> str:
    """The first line with words (a heading), where a document says what it is."""
    for line in lines[:8]:
        text = line.strip()
        if len(re.findall(r"[\u4e00-\u9fff]", text)) >= 4:
            return text
    return ""


def not_a_plan(lines: list[str]) -> str | None:
    """What the text looks like when it is not a supply plan (with the evidence), else None.

    Examples
    --------
    >>> not_a_plan(["江阴市2024年度土地储备计划", "二、…"])
    "a 土地储备计划 (land reserve plan): its title is '江阴市2024年度土地储备计划'"
    >>> not_a_plan(["阳山县2026年度国有建设用地供应计划"]) is None
    True
    """
    title = _title(lines)
    plan_title = bool(_PLAN_TITLE.search(title)) and not _NOT_TITLE.search(title)
    for what, pattern in _OTHER_TITLES:
        if pattern.search(title):
            return f"{what}: its title is '{title[:60]}'"
    head = "\n".join(lines[:12])
    body = "\n".join(lines)
    auction = sorted(set(_AUCTION.findall(body)))
    if not plan_title and _NEWS.search(head):
        return (f"a news article ('{_NEWS.search(head).group(0)}' in its first lines"
                + (f"; auction words {'、'.join(auction[:4])}" if auction else "") + f"): its title is '{title[:60]}'")
    if not plan_title and len(auction) >= 3:
        return f"news or a notice of land auctions (it speaks of {'、'.join(auction[:5])}): its title is '{title[:60]}'"
    return None
