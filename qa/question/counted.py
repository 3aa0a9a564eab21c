"""What a figure question counts, and whether a sentence's figure counts it.

"布设几处充电站" asks for a number of 充电站: a sentence on charging that states a number of base stations
(加密布局充电设施，新建基站4000座) names both, but its figure is not of the thing asked. The figure and the
counted thing stand in one phrase of the sentence (the part between commas, or one item of a list joined by
、): 新建充电桩3000个, 新增就业岗位3万个. The counted thing is the noun after 多少 and its measure word; a
phrase holds it when it holds the noun's head, its last two characters (工作岗位 / 就业岗位 are both 岗位).
"""

from __future__ import annotations

import re

from policyqa.ingest.normalize import to_search_form

_ASKED = re.compile(r"多少|(?<!哪)几(?!乎)")
_MEASURE = re.compile(r"^(?:万元|亿元|平方米|平方公里|公里|人次|小时|[个家项条所座批套处台辆件种次名位张户人亩吨元万亿千百天日号月年周])+")
_TIME = re.compile(r"[天日号月年周]|小时")  # 几号: a date, as 几日
_NOUN_CHARS = 8  # a noun's characters read when no word of it is tagged a noun
_NOUN = re.compile(r"^[\u4e00-\u9fff]{2,12}")
# Words after 多少 that end the noun (多少家企业参与 → 企业; 多少个呢 → none).
_NOUN_STOP = re.compile(r"[的呢吗啊了]|参与|参加|享受|获得|能|可|要|将|需|被")
_PHRASES = re.compile(r"[^，,；;。！？!?、：:\n]+")
_MONEY = re.compile(r"\d\s*(?:万|亿)?元")
_DIGITS = re.compile(r"\d|[一二三四五六七八九十百千万两]+(?:个|名|次|项|家|所|座|万|亿|倍|条|批|人)")


def counted_head(query: str) -> str:
    """The head of the noun a figure question counts (划设多少个停车位 → 车位, 多少名专业人才 → 人才), or ''
    where it asks for no figure or 多少 is followed by no noun (增长多少 / 多少万吨)."""
    text = re.sub(r"\s+", "", to_search_form(query))
    m = _ASKED.search(text)
    if m is None:
        return ""
    after = text[m.end():]
    measure = _MEASURE.match(after)
    if measure and _TIME.search(measure.group(0)):
        return ""  # 多少日内办结: a span of time, and what follows is what is done in it
    after = after[measure.end():] if measure else after
    stop = _NOUN_STOP.search(after)
    noun = _NOUN.match(after[: stop.start()] if stop else after)
    if noun is None or (measure is None and _opens_with_verb(noun.group(0))):
        return ""
    # A long noun phrase (高标准现代化物流园区) ends at its last noun: the head is that noun's end.
    end = _last_noun_end(noun.group(0))
    return noun.group(0)[:end][-2:] if end >= 2 else noun.group(0)[:_NOUN_CHARS][-2:]


def _last_noun_end(phrase: str) -> int:
    """Where the noun phrase opening ``phrase`` ends: after its last noun, before the first verb or
    preposition that follows a noun (多少名干部到…挂职 → 干部); 0 when it opens with none."""
    from jieba import posseg

    end, at = 0, 0
    for word in posseg.cut(phrase):
        if end and word.flag[:1] in "vp" and word.flag != "vn":
            break
        at += len(word.word)
        if word.flag.startswith("n") and not word.flag.startswith("nr"):
            end = at
    return end


def _opens_with_verb(text: str) -> bool:
    from jieba import posseg

    first = next(iter(posseg.cut(text)), None)
    return first is not None and first.flag.startswith("v") and first.flag != "vn"


def counts_it(sentence: str, head: str) -> bool:
    """Whether one phrase of ``sentence`` states a figure and holds the counted noun's ``head``. An amount of
    money may follow in the next phrase (给予后补助，支持金额不超过300万元): a grant is named, then its sum."""
    if not head:
        return True
    phrases = _PHRASES.findall(to_search_form(sentence))
    for at, phrase in enumerate(phrases):
        if head in phrase and _DIGITS.search(phrase):
            return True
        if at and head in phrases[at - 1] and _MONEY.search(phrase):
            return True
    return False
