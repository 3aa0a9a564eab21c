"""HTML pages: their text without script/style/nav/footer; the <h1> (or <title>) is the title."""

from __future__ import annotations

from pathlib import Path

from policyqa.ingest.formats.raw import RawDocument
from policyqa.ingest.formats.text import decode_bytes


def load_html(path: Path) -> RawDocument:
    """Read an .html/.htm file."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_bytes(path, path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript", "template"]):
        tag.decompose()
    title_tag = soup.find("h1") or soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    if soup.title:
        soup.title.decompose()  # the <title> repeats the heading; keep it out of the clauses
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    return RawDocument(path, "\n".join(line for line in lines if line), (), title)
