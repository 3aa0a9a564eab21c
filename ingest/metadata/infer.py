"""Everything a document says about itself: title, issuer, 文号, date, type, script and region.

Each field comes with where it came from (``inferred:title``, ``inferred:filename`` …), so a catalog or
sidecar can override it field by field and ``policyqa docs --json`` can show the provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.ingest.metadata.dates import infer_date
from policyqa.ingest.metadata.docnumber import infer_docnumber
from policyqa.ingest.metadata.doctype import doc_type
from policyqa.ingest.metadata.issuer import infer_issuer
from policyqa.ingest.metadata.region import NATIONAL, RegionGuess, infer_region
from policyqa.ingest.metadata.title import TitleGuess, infer_title
from policyqa.ingest.normalize import to_simplified

# Document fields a file's own text can supply.
INFERRED_FIELDS = ("title", "issuer", "docnumber", "date", "doc_type", "script", "province", "city",
                   "district", "level")
_NEWS_MARK = re.compile(r"记者|記者|来源\s*[:：]|來源\s*[:：]|作者\s*[:：]|发表于|發表于|發表於")


@dataclass(frozen=True, slots=True)
class Inferred:
    """Field values and their sources; ``ambiguous`` lists the readings of a place that stayed open."""

    values: dict[str, str]
    sources: dict[str, str]
    ambiguous: tuple[str, ...] = ()


def infer_metadata(*, text: str, masked: str, file_stem: str, heading: str = "", given_date: str = "",
                   given_issuer: str = "", script: str = "simplified") -> Inferred:
    """Infer a document's metadata from its text and file name.

    Args:
        text: the original text.
        masked: the text with boilerplate blanked (``boilerplate.mask``).
        file_stem: the file name without its extension (合肥, 000_92cc1f4ed05b78e4).
        heading: a title the file format gives (markdown ``#``, docx title, HTML ``<h1>``).
        given_date / given_issuer: what a format's metadata header says.
        script: ``simplified`` / ``traditional`` (already detected).
    """
    values: dict[str, str] = {"script": script}
    sources: dict[str, str] = {"script": "inferred:body"}
    guess = infer_title(masked, heading)
    title = to_simplified(guess.text)
    docnumber = infer_docnumber(masked)
    issuer, issuer_source, bare = infer_issuer(title, to_simplified(text), to_simplified(given_issuer))
    region = infer_region(title=title, issuer="" if bare else issuer, docnumber=docnumber,
                          filename=to_simplified(file_stem), body=to_simplified(masked),
                          level=_declared_level(issuer) if bare else "")
    if bare and region.place_name:
        issuer = _place_organ(region, issuer)
    date, date_source = infer_date(text, given=given_date, docnumber=docnumber, speech=guess.speech,
                                   file_stem=file_stem)
    _put(values, sources, "docnumber", docnumber, "inferred:body")
    _put(values, sources, "issuer", issuer, issuer_source)
    _put(values, sources, "date", date, date_source)
    _put_region(values, sources, region)
    title_text, title_source = _final_title(guess, region, date)
    _put(values, sources, "title", title_text, title_source)
    news = bool(_NEWS_MARK.search(text[:3000]))
    _put(values, sources, "doc_type", doc_type(to_simplified(title_text), news=news, speech=guess.speech),
         "inferred:title")
    return Inferred(values, sources, region.ambiguous)


def _put(values: dict[str, str], sources: dict[str, str], name: str, value: str, source: str) -> None:
    if value:
        values[name] = value
        sources[name] = source


def _put_region(values: dict[str, str], sources: dict[str, str], region: RegionGuess) -> None:
    for name in ("province", "city", "district", "level"):
        _put(values, sources, name, getattr(region, name), region.source)


def _declared_level(organ: str) -> str:
    # 市人民政府 → city, 州人民政府 / 行政公署 → city (a prefecture), 区/县人民政府 → district.
    if organ.startswith(("市", "州", "盟", "行政公署")):
        return "city"
    if organ.startswith(("区", "县")):
        return "district"
    return "province" if organ.startswith(("省", "自治区")) else ""


def _place_organ(region: RegionGuess, organ: str) -> str:
    # 我代表市人民政府 in 合肥's report → 合肥市人民政府; 州人民政府 → 凉山彝族自治州人民政府.
    core = organ.lstrip("市州区县盟省").removeprefix("自治区")
    return f"{region.place_name}{core}"


def _final_title(guess: TitleGuess, region: RegionGuess, date: str) -> tuple[str, str]:
    if not guess.generic:
        return guess.text, guess.source
    place = "国务院" if region.level == NATIONAL else region.place_name
    year = re.match(r"(?:19|20)\d{2}", re.sub(r"\s+", "", guess.text)) or re.match(r"(?:19|20)\d{2}", date)
    stem = f"{place}{year.group(0) + '年' if year else ''}政府工作报告"
    return stem, "inferred:composed"
