"""The division table and region inference on same-named places."""

from __future__ import annotations

from policyqa.ingest.metadata.divisions import division_table
from policyqa.ingest.metadata.region import infer_region


def test_table_has_parents_and_short_names():
    table = division_table()
    assert [p.full_name for p in table.lookup("埇桥区")] == ["安徽省宿州市埇桥区"]
    assert [p.full_name for p in table.lookup("宁夏")] == ["宁夏回族自治区"]
    assert [p.full_name for p in table.lookup("凉山")] == ["四川省凉山彝族自治州"]
    assert table.abbreviations["沪"].name == "上海市"
    assert len([p for p in table.places if p.level == "province"]) >= 34


def test_same_named_places_resolved_by_context_or_reported():
    assert infer_region(title="吉林市政府工作报告").city == "吉林市"
    assert infer_region(filename="吉林").province == "吉林省"
    assert infer_region(filename="吉林", level="city").city == "吉林市"
    beijing = infer_region(title="朝阳区推进数字经济工作方案", body="北京市朝阳区 北京市 北京市 北京市")
    assert beijing.province == "北京市" and beijing.district == "朝阳区"
    open_ = infer_region(title="朝阳区推进数字经济工作方案")
    assert not open_.district and len(open_.ambiguous) == 2


def test_docnumber_abbreviation_and_national_issuer():
    assert infer_region(docnumber="沪科规〔2025〕2号").province == "上海市"
    assert infer_region(issuer="国务院", filename="台州").level == "national"


def test_a_league_with_a_long_name_is_also_written_by_its_first_character():
    table = division_table()
    assert [p.name for p in table.lookup("阿盟")] == ["阿拉善盟"]
    assert table.lookup("兴盟") == ()  # 兴安盟 is short already
