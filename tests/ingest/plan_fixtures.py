"""Test documents made from real clause text: one plan as plain text, as Word with auto-numbering and an
annexed 重点任务分工表, and as PDF; the clauses are from 宿州市推进长三角一体化发展三年行动计划(2021-2023年)
(corpus/suzhou_yrd_integration_action_plan_2021-2023.txt), the table restates their units."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TITLE = "宿州市推进长三角一体化发展三年行动计划（2021-2023年）"


@dataclass(frozen=True)
class Task:
    text: str
    leads: tuple[str, ...]
    cooperating: tuple[str, ...]
    deadline: str


SECTIONS: list[tuple[str, list[Task]]] = [
    ("实施承接产业转移集聚区建设行动", [
        Task("落实国家和省支持皖北承接产业转移集聚区建设政策措施，制定出台宿州市承接产业转移集聚区建设实施方案，"
             "推动重大政策、重大举措、重大平台在宿州落地落实。",
             ("市发展改革委",), ("市委组织部", "市教育局", "市科技局", "市经信局", "市财政局"), "2021年底前"),
        Task("研究制定招商引资和招才引智等政策措施，建立健全与沪苏浙对标对接、协同协作机制，促进产业集群集聚发展。",
             ("市投资促进中心",), ("市委组织部", "市发展改革委", "市科技局"), "2021年底前"),
    ]),
    ("实施推进五个“区块链接”建设行动", [
        Task("规划建设埇桥—铜山省际毗邻地区新型功能区，统筹布局生产生活生态空间，全方位推进一体化发展，"
             "着力打造跨行政区协同发展的产城融合新城区。",
             ("埇桥区人民政府", "泗县人民政府"), ("市发展改革委", "市自然资源和规划局"), "2023年"),
        Task("加快与沪苏浙相关市（区）共建合作，推进我市与上海张江创新发展合作，全面深化与徐州市战略合作。",
             ("市发展改革委",), (), "持续推进"),
    ]),
]
MECHANISMS = [
    "强化组织领导机制。坚持和加强党对长三角一体化发展工作的全面领导，深入推进我市融入长三角一体化发展各项工作。",
    "健全工作推进机制。市推动长三角地区一体化发展领导小组办公室及成员单位要切实履职尽责，加强重点工作督促调度。",
]
CN = "一二三四五六七八九十"


def _duty(task: Task) -> str:
    if task.cooperating:
        return f"（{task.leads[0] if len(task.leads) == 1 else '、'.join(task.leads)}牵头，" \
               f"{'、'.join(task.cooperating)}等按职责分工负责）"
    return f"（{'、'.join(task.leads)}牵头负责）"


def plain_text() -> str:
    """The plan as a plain-text file writes it: numbers typed, units in parentheticals."""
    lines = [TITLE]
    n = 0
    for i, (heading, tasks) in enumerate(SECTIONS):
        lines.append(f"{CN[i]}、{heading}")
        for task in tasks:
            n += 1
            lines.append(f"{n}.{task.text}{_duty(task)}")
    lines.append(f"{CN[len(SECTIONS)]}、健全一体化发展协调推进机制")
    lines += [f"（{CN[k]}）{text}" for k, text in enumerate(MECHANISMS)]
    return "\n".join(lines) + "\n"


def all_tasks() -> list[Task]:
    return [task for _, tasks in SECTIONS for task in tasks]


_NUMBERING = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 w:abstractNumId="{aid}"><w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>"""
_LEVEL = """<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{restart}<w:lvlText w:val="{text}"/>
<w:suff w:val="nothing"/><w:lvlJc w:val="left"/></w:lvl>"""
_NUM = """<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="{nid}">
<w:abstractNumId w:val="{aid}"/>{override}</w:num>"""


def add_list(document, aid: int, nid: int, levels: list[tuple[str, str]], *, restart_never: bool = False,
             start_override: int | None = None, new_abstract: bool = True) -> None:
    """Append a w:abstractNum (levels of (numFmt, lvlText)) and a w:num pointing at it to numbering.xml."""
    from docx.oxml import parse_xml

    root = document.part.numbering_part.element
    if new_abstract:
        restart = '<w:lvlRestart w:val="0"/>' if restart_never else ""
        body = "".join(_LEVEL.format(ilvl=i, fmt=fmt, text=text, restart=restart)
                       for i, (fmt, text) in enumerate(levels))
        # abstractNum elements must precede every w:num in numbering.xml.
        first_num = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
        element = parse_xml(_NUMBERING.format(aid=aid, levels=body))
        if first_num is None:
            root.append(element)
        else:
            first_num.addprevious(element)
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
                if start_override else "")
    root.append(parse_xml(_NUM.format(nid=nid, aid=aid, override=override)))


def numbered(document, text: str, nid: int, ilvl: int = 0):
    """A paragraph numbered by Word (w:numPr), its number not in its text."""
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph(text)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(
        '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:ilvl w:val="{ilvl}"/><w:numId w:val="{nid}"/></w:numPr>'))
    return paragraph


def write_docx(path: Path, *, header: tuple[str, ...] = ("序号", "重点任务", "牵头单位", "配合单位", "完成时限")) -> Path:
    """The plan as Word: 一、/（一） and the running 1.–4. are auto-numbering; an annexed 分工表 holds the units.

    The 完成时限 of the first two rows is one cell merged down; 配合单位 cells hold one unit per line.
    """
    import docx

    document = docx.Document()
    add_list(document, 901, 901, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])
    add_list(document, 902, 902, [("decimal", "%1.")], restart_never=True)
    document.add_paragraph(TITLE)
    for heading, tasks in SECTIONS:
        numbered(document, heading, 901, 0)
        for task in tasks:
            numbered(document, task.text, 902, 0)
    numbered(document, "健全一体化发展协调推进机制", 901, 0)
    for text in MECHANISMS:
        numbered(document, text, 901, 1)
    document.add_paragraph("附件")
    document.add_paragraph("重点任务分工表")
    tasks = all_tasks()
    table = document.add_table(rows=1 + len(tasks), cols=len(header))
    for col, name in enumerate(header):
        table.cell(0, col).text = name
    for r, task in enumerate(tasks, start=1):
        values = {"序号": str(r), "重点任务": task.text, "牵头单位": "、".join(task.leads),
                  "配合单位": "\n".join(task.cooperating), "完成时限": task.deadline}
        for col, name in enumerate(header):
            if name == "完成时限" and r == 2:
                continue
            table.cell(r, col).text = values[name]
    deadline = header.index("完成时限")
    table.cell(1, deadline).merge(table.cell(2, deadline))
    document.save(str(path))
    return path


FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
RUNNING_HEADER = "宿州市推进长三角一体化发展三年行动计划"
RED_HEAD = ("宿州市人民政府办公室文件", "宿政办〔2021〕12号")
COLOPHON = ("抄送：市委各部门，市人大常委会办公室，市政协办公室。", "宿州市人民政府办公室          2021年8月9日印发")


def corpus_tasks(count: int) -> list[Task]:
    """The first ``count`` numbered clauses of the bundled Suzhou plan that name their units, as tasks:
    their text without the parenthetical, their parsed leads and cooperating units."""
    import re

    from policyqa.ingest.catalog import bundled_corpus_dir
    from policyqa.ingest.pipeline import parse_file

    parsed = parse_file(bundled_corpus_dir() / "suzhou_yrd_integration_action_plan_2021-2023.txt")
    tasks = []
    for clause in parsed.clauses:
        if clause.kind == "clause" and clause.leads and clause.cooperating and len(tasks) < count:
            text = re.sub(r"^\d+\.", "", re.sub(r"\s*[（(][^（(]*?(牵头|负责)[^（(]*?[）)]\s*$", "", clause.text))
            tasks.append(Task(text, clause.leads, clause.cooperating, f"{2021 + len(tasks) % 3}年底前"))
    return tasks


def write_pdf(path: Path, *, rows: int = 14, header: bool = True, long_paragraph: bool = True) -> Path:
    """The plan as an official PDF: 红头 and 文号, running header and ``— n —`` page numbers, a body
    paragraph broken over pages 1–2, an annexed 分工表 that runs over two pages, a 抄送/印发 block."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    body = ParagraphStyle("body", fontName="WQY", fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
    centre = ParagraphStyle("centre", parent=body, alignment=1, firstLineIndent=0, fontSize=14)
    flat = ParagraphStyle("flat", parent=body, firstLineIndent=0)
    cell = ParagraphStyle("cell", parent=flat, fontSize=9, leading=12)

    def furniture(canvas, doc) -> None:
        canvas.setFont("WQY", 9)
        if header and doc.page > 1:
            canvas.drawString(25 * mm, A4[1] - 15 * mm, RUNNING_HEADER)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {doc.page} —")

    story = [Paragraph(RED_HEAD[0], centre), Paragraph(RED_HEAD[1], centre), Spacer(1, 12),
             Paragraph(TITLE, centre)]
    tasks = corpus_tasks(rows)
    for i, (heading, _) in enumerate(SECTIONS):
        story.append(Paragraph(f"{CN[i]}、{heading}", flat))
        for n, task in enumerate(tasks[2 * i:2 * i + 2], start=2 * i + 1):
            story.append(Paragraph(f"{n}.{task.text}", body))
    if long_paragraph:
        story.append(Paragraph(LONG_PARAGRAPH, body))
    story += [PageBreak(), Paragraph("附件", flat), Paragraph("重点任务分工表", centre)]
    data = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]]
    data += [[str(n), Paragraph(t.text, cell), Paragraph("、".join(t.leads), cell),
              Paragraph("、".join(t.cooperating), cell), t.deadline] for n, t in enumerate(tasks, start=1)]
    table = Table(data, colWidths=[12 * mm, 70 * mm, 30 * mm, 45 * mm, 20 * mm], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "WQY", 9), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 24)] + [Paragraph(line, flat) for line in COLOPHON]
    SimpleDocTemplate(str(path), pagesize=A4, topMargin=25 * mm, bottomMargin=25 * mm).build(
        story, onFirstPage=furniture, onLaterPages=furniture)
    return path


# A real closing paragraph (the same plan, 十一（四）), long enough to run over the first page break.
LONG_PARAGRAPH = ("市领导小组办公室牵头建立推进长三角一体化发展重点工作调度和信息报送机制，推动各地各部门及时报送工作进展及成效经验，"
                  "及时掌握重点工作推进情况和存在的问题。不定期召开工作协调推进会议，适时采取督促检查、评估调研等方式，"
                  "调度推进三年行动计划重点工作落实。将推进长三角一体化发展情况纳入市委年度综合考核和市政府年度目标管理绩效考核，"
                  "确保各项工作有序推进、加快落实。") * 3


def write_scan(path: Path, paragraphs: list[str], *, size: int = 28, width: int = 1190) -> Path:
    """One page as a scanner makes it: the paragraphs drawn into an image (first lines indented two
    characters, wrapped at the margin, a ``— 1 —`` page number) and saved as an image-only PDF."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size)
    margin, per_line = 100, (width - 200) // size
    lines: list[tuple[int, str]] = []
    for paragraph in paragraphs:
        first, rest = paragraph[:per_line - 2], paragraph[per_line - 2:]
        lines.append((margin + 2 * size, first))
        lines += [(margin, rest[i:i + per_line]) for i in range(0, len(rest), per_line)]
    step = int(size * 1.8)
    image = Image.new("RGB", (width, 2 * margin + step * (len(lines) + 2)), "white")
    draw = ImageDraw.Draw(image)
    for row, (x, line) in enumerate(lines):
        draw.text((x, margin + row * step), line, font=font, fill="black")
    draw.text((width // 2 - 2 * size, image.height - margin), "— 1 —", font=font, fill="black")
    image.save(path, "PDF", resolution=144.0)
    return path


def scanned(source: Path, path: Path, *, scale: float = 2.0) -> Path:
    """``source`` printed and scanned: every page rendered to an image (144 dpi), saved as an image-only PDF."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(source))
    images = [document[i].render(scale=scale).to_pil().convert("L") for i in range(len(document))]
    document.close()
    images[0].save(path, "PDF", resolution=72.0 * scale, save_all=True, append_images=images[1:])
    return path
