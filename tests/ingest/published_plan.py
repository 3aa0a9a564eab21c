"""A real published plan with its duty annex: 《安徽省关于加快对接〈区域全面经济伙伴关系协定〉（RCEP）经贸新规则
扎实推进高水平开放实施意见》, 皖开放办〔2022〕6号, issued 2022-03-23 by 安徽省推进“三地一区”建设领导小组改革开放
新高地执行小组办公室. Source: https://www.pkulaw.com/lar/2f52e167e6b73e8162d6f1fa1499e24dbdfb.html (北大法宝
CLI.12.6476457), text copied on 2026-12-03 from the shared corpus file
``corpus-extra/pkulaw-policy-samples/安徽省推进“三地一区”建设领导小组改革开放...(FBM-CLI.12.6476457).txt``.

No document of the shared corpus holds a 分工表 in table form; this plan states each task's units in a
（…牵头，…按职责分工配合） parenthetical. Twelve of its tasks (those with one parenthetical) are typed here
as the annexed 重点任务分工表 such a plan carries: 序号 | 重点任务 | 具体举措 | 牵头单位 | 配合单位, the task
title, its text without the parenthetical, and the units exactly as the parenthetical names them. The plan
sets no 完成时限, so the table has none. The writers below make the same plan as Word, as a ruled PDF, as an
unruled PDF (columns by alignment only), as markdown and as tab-separated text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TITLE = "安徽省关于加快对接《区域全面经济伙伴关系协定》（RCEP）经贸新规则扎实推进高水平开放实施意见"
ISSUER = "安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室"
INTRO = ("为加快全面对接《区域全面经济伙伴关系协定》（RCEP）经贸新规则，引导企业更好把握RCEP带来的机遇，"
         "积极适应区域市场更加开放的环境和更加充分的竞争，推动我省更高水平开放，制定本实施意见。")
HEADER = ("序号", "重点任务", "具体举措", "牵头单位", "配合单位")


@dataclass(frozen=True)
class PlanRow:
    clause: int                      # the task's number in the published plan
    task: str
    measures: str
    leads: tuple[str, ...]
    cooperating: tuple[str, ...]

    def cells(self, number: int) -> tuple[str, str, str, str, str]:
        return (str(number), self.task, self.measures, "、".join(self.leads), "、".join(self.cooperating))


ROWS: tuple[PlanRow, ...] = (
    PlanRow(2, '积极扩大进口',
            '扩大自其他RCEP国家铁矿石、铜矿石、铝矿、煤等大宗商品的进口规模，推动采购来源多元化。发挥合肥经开区国家进口贸易促进创新示范区作用，探索设立集成电路关键设备和零部件自其他RCEP国家进口的绿色通道。建立进口关键原材料检测中心和验放监管改革试点，扩大自其他RCEP国家先进技术、设备及关键零部件进口，增加优质日用消费品进口，丰富进口消费品供给。',
            ('省商务厅',), ('合肥海关',)),
    PlanRow(3, '用好原产地规则',
            '加快实施经核准出口商原产地自主声明制度，降低企业制度性成本。加强企业尤其是小微企业关于原产地证书申领程序、业务流程等方面的培训，切实用好原产地区域累积规则，指导企业合理进行产业布局。全面推广原产地证书“智能审核”，扩大自助打印证书范围，提高签证准确性和规范性。积极为企业提供优惠原产地规则利用指导、企业原产地合规与管理等咨询服务，及时帮助进出口企业沟通解决享惠受阻问题。',
            ('合肥海关',), ('省贸促会', '省商务厅')),
    PlanRow(4, '着力拓展对日贸易',
            '指导企业用好中日关税减让承诺，针对首年关税为零的2034种、5年内关税减让显著的2725种出口商品，以机械设备、电气设备和纺织服装等为重点，加大市场开拓力度；针对首年关税为零的2070种进口商品和5年内关税降幅较大的5048种商品，以汽车零部件、精密仪器、化学品等为重点，加大从日本进口中间产品和项目引进，扩大食品、美妆、母婴等日用消费品进口。',
            ('省商务厅',), ('合肥海关',)),
    PlanRow(5, '深化服务贸易合作',
            '推进落实外商投资准入前国民待遇加负面清单管理制度，探索跨境服务贸易负面清单管理，逐步放宽和取消与跨境交付、境外消费和自然人移动等模式相关的限制性措施。加大制造业研发、工程设计等领域开放力度。依托中国（安徽）自由贸易试验区平台，推进在外汇便利化、数据跨境流动、知识产权保护等领域探索。发挥合肥市服务贸易创新发展试点作用，探索建设专业性公共服务平台，为企业开展跨境服务提供信息与咨询服务。推进与其他RCEP国家高等教育机构合作，开展学术交流、学分互认、中外合作办学等项目。',
            ('省商务厅',), ('省发展改革委', '省经济和信息化厅', '省外汇管理局', '省教育厅')),
    PlanRow(7, '推动跨境电商高质量发展',
            '深化跨境电子商务综合试验区建设，支持各综合试验区结合本地实际创新发展。支持企业以RCEP税差作为“卖点”，加快数字化转型，借助跨境电商平台和数字营销及社交营销工具拓展RCEP市场，培育数字化转型标杆企业。',
            ('省商务厅',), ()),
    PlanRow(9, '推进落实外商投资国民待遇',
            '落实好缩减外商投资准入负面清单工作，给予其他RCEP国家投资国民待遇。提高外商投资企业设立和投资项目审批便利化水平，清理调整与RCEP投资规则不相适应的投资管理措施。建立健全外商服务体系，加强外商投资合法权益保护。',
            ('省商务厅',), ('省市场监管局', '省发展改革委', '省司法厅')),
    PlanRow(11, '拓展对外投资领域',
            '支持汽车、建材、装备、机械、家电、纺织等企业“走出去”。支持市场化方式在东盟等国建设主导产业明确、公共配套完善的经贸合作区，为省内企业“走出去”提供载体平台。指导企业优化投资结构，由提供资金向提供“资金＋产品＋服务”转型。开展农业技术合作、农业机械化合作。扩大对东盟在农业种植、畜牧饲养及产品加工等领域合作，支持创建农业合作示范区，带动农机、农技、农资等生产资料输出。',
            ('省商务厅',), ('省经济和信息化厅', '省农业农村厅')),
    PlanRow(13, '加快合作园区建设',
            '培育RCEP区域内商品采购、产业技术、投资促进合作平台，加强推进与其他RCEP国家间经济、文化、服务、旅游全方位交流合作。加快推进与东盟重点国家“两国双园”建设，探索以飞地模式与越南、泰国、印尼等国建设合作园区，申建中国-东盟经贸创新发展示范区。',
            ('省商务厅',), ('省外办', '省贸促会')),
    PlanRow(17, '提升货物通关效率',
            '对RCEP国家货物抵达海关监管作业场所且符合正常放行条件的48小时内放行，其中，易腐货物和快件、空运货物、空运物品，实行6小时内放行便利措施。对符合要求的进境农产品检验检疫审批申请实施即报即审，做好便利政策的服务指导。加大AEO高级认证企业培育力度。',
            ('合肥海关',), ('省港航集团', '省机场集团')),
    PlanRow(19, '强化知识产权保护',
            '按照RCEP知识产权规则，加强著作权、商标、地理标志、专利、外观设计、遗传资源、传统知识、民间文艺和商业秘密等方面全链条保护。贯彻实施《安徽省知识产权保护办法》，完善知识产权保护体系，加大知识产权保护执法力度。发挥中国（合肥）知识产权保护中心作用，加强快速协同保护。加强知识产权行政执法、司法保护、社会共治的有效衔接，共同推进知识产权行刑衔接、诉调对接机制。组织实施跨境电子商务知识产权保护指南。强化知识产权公共服务供给，加强海外知识产权纠纷应对指导和维权援助。',
            ('省市场监管局',), ('省版权局', '省科技厅', '省农业农村厅', '省司法厅', '省公安厅', '省商务厅', '省文化旅游厅', '省贸促会')),
    PlanRow(23, '加强培训指导',
            '省、市、县联手组织开展多层次RCEP专题培训，运用各种平台和媒介，向企业、商协会等开展政策解读和宣传，帮助企业用足用好规则。提供面向RCEP成员国市场的关税查询和咨询服务，指导企业规划调整市场布局。',
            ('省商务厅',), ('合肥海关', '省贸促会')),
    PlanRow(24, '加强风险应对',
            '建立与其他RCEP国家经贸往来重点联系企业机制，及时把握形势。审慎防范国际新形势的技术性贸易壁垒，积极应对其他RCEP国家发起的贸易救济调查。规范企业境外投资经营行为，防范化解境外疫情、政治、安全、环境的各类风险。整合RCEP成员国驻华使领馆、投促机构、商协会、境外园区、企业等联络资源，为企业对外交往提供更多渠道和保障。',
            ('省商务厅',), ('省外办', '省贸促会')),
)


def write_docx(path: Path) -> Path:
    """The plan as Word: title, preamble, ``附件`` / ``重点任务分工表`` and the table."""
    import docx

    document = docx.Document()
    for line in (TITLE, INTRO, "附件", "重点任务分工表"):
        document.add_paragraph(line)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for col, name in enumerate(HEADER):
        table.cell(0, col).text = name
    for r, row in enumerate(ROWS, start=1):
        for col, value in enumerate(row.cells(r)):
            table.cell(r, col).text = value
    document.save(str(path))
    return path


def write_pdf(path: Path, *, ruled: bool = True, repeat_header: bool = True, centred_header: bool = False) -> Path:
    """The plan as PDF (reportlab): the table ruled (``GRID``) or laid out in columns without any line,
    its cells wrapped over several lines either way; the table runs over two pages, its header repeated
    on the second or not, the header cells left-aligned or centred over their columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from plan_fixtures import FONT

    pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    body = ParagraphStyle("body", fontName="WQY", fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
    flat = ParagraphStyle("flat", parent=body, firstLineIndent=0)
    centre = ParagraphStyle("centre", parent=flat, alignment=1, fontSize=14)
    cell = ParagraphStyle("cell", parent=flat, fontSize=9, leading=12)
    head = ParagraphStyle("head", parent=cell, alignment=1 if centred_header else 0)
    data = [[Paragraph(name, head) for name in HEADER]]
    data += [[Paragraph(value, cell) for value in row.cells(n)] for n, row in enumerate(ROWS, 1)]
    table = Table(data, colWidths=[10 * mm, 25 * mm, 85 * mm, 25 * mm, 30 * mm], repeatRows=1 if repeat_header else 0)
    style = [("FONT", (0, 0), (-1, -1), "WQY", 9), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
    table.setStyle(TableStyle(style))
    story = [Paragraph(TITLE, centre), Spacer(1, 12), Paragraph(INTRO, body), Spacer(1, 12),
             Paragraph("附件", flat), Paragraph("重点任务分工表", centre), table]
    SimpleDocTemplate(str(path), pagesize=A4, topMargin=25 * mm, bottomMargin=25 * mm).build(story)
    return path


def markdown() -> str:
    """The plan as a markdown file writes it: a pipe table under an ``## 附件`` caption."""
    lines = [f"# {TITLE}", "", INTRO, "", "## 附件：重点任务分工表", "",
             "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells(n)) + " |" for n, row in enumerate(ROWS, 1)]
    return "\n".join(lines) + "\n"


def tabbed_text() -> str:
    """The plan as text copied from a web page: the table's cells separated by tabs."""
    lines = [TITLE, INTRO, "附件", "重点任务分工表", "\t".join(HEADER)]
    lines += ["\t".join(row.cells(n)) for n, row in enumerate(ROWS, 1)]
    return "\n".join(lines) + "\n"


def html_page() -> str:
    """The plan as a government web page: the table as <table>, a 牵头单位 cell shared by neighbouring
    rows written once with ``rowspan``."""
    from html import escape

    head = "".join(f"<th>{name}</th>" for name in HEADER)
    body = []
    for n, row in enumerate(ROWS, start=1):
        cells = row.cells(n)
        spans_down = n < len(ROWS) and ROWS[n].leads == row.leads and (n == 1 or ROWS[n - 2].leads != row.leads)
        covered = n > 1 and ROWS[n - 2].leads == row.leads and (n == 2 or ROWS[n - 3].leads != row.leads)
        tds = []
        for col, value in enumerate(cells):
            if col == 3 and covered:
                continue
            span = ' rowspan="2"' if col == 3 and spans_down else ""
            tds.append(f"<td{span}>{escape(value)}</td>")
        body.append(f"<tr>{''.join(tds)}</tr>")
    return (f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1><p>{INTRO}</p><p>附件</p>"
            f"<p>重点任务分工表</p><table><tr>{head}</tr>{''.join(body)}</table></body></html>")
