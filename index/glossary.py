"""Cross-lingual query terms: the Chinese words of policy vocabulary an English query names.

BM25 over jieba tokens of Chinese clauses cannot match an English query, and the bundled 4-bit
multilingual e5-small ranks Chinese clauses loosely for English queries. A small glossary of
*general* policy vocabulary (administration, economy, industry, people, environment, the places of
the Yangtze River Delta) turns "Which department leads cold-chain logistics in Suzhou?" into
冷链物流 部门 牵头 宿州 苏州 for the lexical side, so both retrievers see the query.

The glossary is vocabulary, not answers: it holds no unit names of any one document and no
phrases of any test question. An ambiguous word maps to every reading (Suzhou → 宿州 苏州); BM25 and
the dense side decide between them. Words it does not know are simply left to the dense side.

Example:
    >>> chinese_terms("Who leads the cold-chain logistics projects?")
    '牵头 冷链 物流 项目'
"""

from __future__ import annotations

import re
from functools import lru_cache

_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[a-z0-9]+")
_MAX_WORDS = 4

# English (lower case, singular, words separated by spaces) → Chinese terms, space separated;
# a|b marks readings of an ambiguous name. Entries after "# places" are place names (they also
# resolve a question's places to documents, `place_readings`); every other province, city and county
# of China comes from the division table by its pinyin (`_division_readings`). Grouped by field; keep entries
# general: words a reader of any Chinese policy would need.
_GLOSSARY_TEXT = """
# who does what
lead = 牵头
leading = 牵头
led by = 牵头
in charge = 负责
responsible = 负责 责任单位
responsibility = 负责 责任
support = 配合 支持
cooperate = 配合 合作
cooperating = 配合
department = 部门
unit = 单位
bureau = 局
office = 办公室
commission = 委员会
committee = 委员会
agency = 部门 机构
government = 政府
people's government = 人民政府
county government = 县人民政府
district government = 区人民政府
leading group = 领导小组
party committee = 党委
organization department = 组织部
publicity department = 宣传部
development and reform = 发展改革
reform = 改革
finance = 财政 金融
financial = 金融 财政
finance bureau = 财政局
treasury = 财政
taxation = 税务
tax = 税收 税务
commerce = 商务
commerce bureau = 商务局
trade = 贸易 商务
foreign trade = 外贸
education = 教育
science and technology = 科技
technology = 科技 技术
industry and information technology = 经济和信息化 工业和信息化
economy and information = 经济信息化
information technology = 信息化
public security = 公安
civil affairs = 民政
justice = 司法
human resources = 人力资源
social security = 社会保障 社保
natural resources = 自然资源
ecology and environment = 生态环境
housing = 住房
urban and rural development = 城乡建设
transport = 交通运输 交通
transportation = 交通运输 交通
water resources = 水利
agriculture and rural affairs = 农业农村
agriculture = 农业
rural = 农村 乡村
culture and tourism = 文化旅游 文旅
health = 卫生健康 健康
health commission = 卫生健康委
emergency management = 应急管理
audit = 审计
state-owned assets = 国资 国有资产
market regulation = 市场监管
market supervision = 市场监管
statistics = 统计
medical insurance = 医保
federation of trade unions = 总工会
trade union = 工会
women's federation = 妇联
youth league = 团委
data bureau = 数据局
big data = 大数据
investment promotion = 招商
customs = 海关
bank = 银行
people's bank = 人民银行 人行
securities = 证券
insurance = 保险
# plans and documents
plan = 规划 计划 方案
action plan = 行动计划
work plan = 工作方案
three-year = 三年
five-year = 五年
opinion = 意见
implementation = 实施
valid = 有效期
validity = 有效期
effective = 施行 有效期
come into force = 施行
expire = 有效期
measure = 措施 举措
policy = 政策
notice = 通知
document number = 文号
guiding ideology = 指导思想
guiding principle = 基本原则 原则
principle = 原则
goal = 目标
target = 目标 达到
main target = 主要目标
task = 任务
key task = 重点任务
mechanism = 机制
system = 体系 制度
pilot = 试点
demonstration = 示范
model = 模式 模型
safeguard = 保障
guarantee = 保障
assessment = 考核 评估
evaluation = 评估 评价
supervision = 监督 监管
inspection = 督查 检查
standard = 标准
# regions and cooperation
yangtze river delta = 长三角
yangtze river = 长江
delta = 三角洲
integration = 一体化
integrated = 一体化
regional = 区域
coordinated development = 协调发展
pairing = 结对
paired = 结对
pair = 结对
assistance = 帮扶 援助
counterpart = 对口
north-south = 南北
cooperation = 合作
collaboration = 协作 合作
joint = 共建 联合
jointly = 共同 联合
jointly built = 共建
co-build = 共建
co-construction = 共建
exchange = 交流
interprovincial = 省际
inter-provincial = 省际
cross-border = 跨界
cross-regional = 跨区域
province = 省
provincial = 省级 省
provincial-level = 省级
city = 市 城市
municipal = 市级 市
county = 县
county-level = 县级 县域
district = 区
town = 镇
township = 乡镇
village = 村
national = 国家 全国
nationwide = 全国
local = 地方
# economy and industry
economy = 经济
economic = 经济
growth = 增长 增速
gdp = 生产总值 地区生产总值
output value = 产值
revenue = 收入
income = 收入
investment = 投资
investor = 投资
capital = 资本 资金
social capital = 社会资本
fund = 基金 资金
funding = 资金
special fund = 专项资金
industrial fund = 产业基金
credit = 信贷 授信
loan = 贷款
financing = 融资
subsidy = 补贴 补助
reward = 奖励
industry = 产业 工业
industrial = 产业 工业
manufacturing = 制造业
advanced manufacturing = 先进制造业
service industry = 服务业
modern service = 现代服务业
industrial transfer = 产业转移
transfer = 转移
take over = 承接
taking over = 承接
took over = 承接
transferred = 转移
undertake = 承接
transferred industry = 产业转移
industrial chain = 产业链
supply chain = 供应链
cluster = 集群
park = 园区
industrial park = 产业园 园区
development zone = 开发区
economic development zone = 经济开发区 经开区
high-tech zone = 高新区
characteristic = 特色
characteristic park = 特色园区
base = 基地
platform = 平台
project = 项目
enterprise = 企业
company = 公司
firm = 企业
business = 企业 营商
private enterprise = 民营企业
state-owned enterprise = 国有企业
small and medium = 中小
listed company = 上市公司
brand = 品牌
market = 市场
consumption = 消费
e-commerce = 电商 电子商务
logistics = 物流
cold chain = 冷链
cold-chain = 冷链
warehouse = 仓储
port = 港 港口
airport = 机场
railway = 铁路
high-speed rail = 高铁
highway = 高速公路 公路
expressway = 高速
road = 公路 道路
waterway = 航道
shipping = 航运
infrastructure = 基础设施
digital = 数字
digital economy = 数字经济
internet = 互联网
industrial internet = 工业互联网
artificial intelligence = 人工智能
ai = 人工智能
large model = 大模型
vertical = 垂直 垂类
data = 数据
computing power = 算力
5g = 5G
innovation = 创新
research = 研发 研究
r&d = 研发
patent = 专利
talent = 人才
technology transfer = 成果转化
new energy = 新能源
energy = 能源
hydrogen = 氢能
photovoltaic = 光伏
new material = 新材料
biomedicine = 生物医药
medical device = 医疗器械
automobile = 汽车
electric vehicle = 新能源汽车
equipment = 装备
chip = 芯片
semiconductor = 半导体
export = 出口
import = 进口
open = 开放
opening-up = 对外开放
free trade zone = 自贸区 自由贸易试验区
rcep = RCEP
training = 培训
# agriculture and environment
agricultural product = 农产品
farm product = 农产品
green = 绿色
food = 食品 粮食
grain = 粮食
processing = 加工
supply = 供应
production = 生产
wholesale market = 批发市场
farmer = 农民
poverty = 贫困 脱贫
revitalization = 振兴
rural revitalization = 乡村振兴
environment = 环境 生态环境
ecological = 生态
ecology = 生态
pollution = 污染
prevention and control = 防治 防控
air quality = 空气质量
water quality = 水质
water environment = 水环境
river = 河 河流
lake = 湖
basin = 流域
sewage = 污水
outfall = 排污口
sewage outlet = 排污口
assessment section = 考核断面 断面
national assessment section = 国考断面
section = 断面
compliance rate = 达标率
up to standard = 达标
forest = 森林 林
forest chief = 林长制 林长
river chief = 河长制 河长
afforestation = 造林 绿化
carbon = 碳
emission = 排放
energy saving = 节能
# people and services
cadre = 干部
official = 干部 官员
secondment = 挂职 跟班学习
seconded = 挂职
temporary post = 挂职
send = 选派 派
dispatch = 选派
batch = 批
first batch = 首批
staff = 人员
expert = 专家
doctor = 医生 专家
teacher = 教师
school = 学校
vocational = 职业
vocational education = 职业教育
technician college = 技师学院
university = 高校 大学
student = 学生
medical = 医疗
medical cooperation = 医疗合作
hospital = 医院
healthcare = 医疗 卫生
medical insurance fund = 医保基金
elderly = 养老 老年
elderly care = 养老
elderly-care = 养老
pension = 养老
old-age = 养老
child = 儿童
employment = 就业
job = 就业 岗位
labour = 劳务
labor = 劳务
migrant worker = 农民工
social = 社会
public service = 公共服务
culture = 文化
tourism = 旅游
sport = 体育
housing provident fund = 公积金
government service = 政务服务
one-stop = 一网通办 一站式
cross-province = 跨省
cross-provincial = 跨省
mutual recognition = 互认
sharing = 共享
shared = 共享
epidemic = 疫情
covid = 新冠 疫情
prevention = 防控 预防
quarantine = 隔离
vaccine = 疫苗
mask = 口罩
# numbers and time
how many = 多少
how much = 多少
number = 数量
amount = 金额
percent = %
percentage = 比例
rate = 率
year = 年
annual = 年度 每年
by 2025 = 2025年
first = 首
billion = 亿
million = 万
per cent = %
above = 以上
at least = 不少于 以上
# places (provinces; cities and districts of the Yangtze River Delta)
china = 中国
anhui = 安徽
jiangsu = 江苏
zhejiang = 浙江
shanghai = 上海
beijing = 北京
shandong = 山东
henan = 河南
hubei = 湖北
jiangxi = 江西
hefei = 合肥
wuhu = 芜湖
bengbu = 蚌埠
huainan = 淮南
maanshan = 马鞍山
ma'anshan = 马鞍山
huaibei = 淮北
tongling = 铜陵
anqing = 安庆
huangshan = 黄山
chuzhou = 滁州
fuyang = 阜阳
suzhou = 宿州|苏州
# the province after an ambiguous city name decides it
suzhou anhui = 宿州 安徽
suzhou in anhui = 宿州 安徽
suzhou jiangsu = 苏州 江苏
suzhou in jiangsu = 苏州 江苏
taizhou jiangsu = 泰州 江苏
taizhou in jiangsu = 泰州 江苏
taizhou zhejiang = 台州 浙江
taizhou in zhejiang = 台州 浙江
lu'an = 六安
luan = 六安
bozhou = 亳州
chizhou = 池州
xuancheng = 宣城
nanjing = 南京
wuxi = 无锡
xuzhou = 徐州
changzhou = 常州
nantong = 南通
lianyungang = 连云港
huai'an = 淮安
huaian = 淮安
yancheng = 盐城
yangzhou = 扬州
zhenjiang = 镇江
taizhou = 泰州|台州
suqian = 宿迁
hangzhou = 杭州
ningbo = 宁波
wenzhou = 温州
jiaxing = 嘉兴
huzhou = 湖州
shaoxing = 绍兴
jinhua = 金华
quzhou = 衢州
zhoushan = 舟山
lishui = 丽水
pudong = 浦东
minhang = 闵行
songjiang = 松江
qingpu = 青浦
jiading = 嘉定
yongqiao = 埇桥
dangshan = 砀山
xiaoxian = 萧县
xiao county = 萧县
lingbi = 灵璧
sixian = 泗县
si county = 泗县
shangcheng = 上城
xiaoshan = 萧山
yuhang = 余杭
binjiang = 滨江
gongshu = 拱墅
tongshan = 铜山
suyu = 宿豫
sucheng = 宿城
shuyang = 沭阳
siyang = 泗阳
sihong = 泗洪
kunshan = 昆山
zhangjiang = 张江
"""


def _lemma(word: str) -> str:
    """A crude singular: parks → park, cities → city, boxes → box, bureaus → bureau; short words,
    -ss, -us and -is (status, basis) stay."""
    if len(word) <= 3 or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and (word.endswith("eaus") or not word.endswith(("us", "is"))):
        return word[:-1]
    return word


def _key(text: str) -> tuple[str, ...]:
    text = text.lower().replace("&", "").replace("'s ", " ").replace("’s ", " ").replace("'", "").replace("’", "")
    return tuple(_lemma(w) for w in _WORD.findall(text))


@lru_cache(maxsize=1)
def _parsed() -> tuple[dict[tuple[str, ...], tuple[str, ...]], frozenset[tuple[str, ...]]]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    places: set[tuple[str, ...]] = set()
    in_places = False
    for line in _GLOSSARY_TEXT.splitlines():
        line = line.strip()
        if line.startswith("#"):
            in_places = in_places or line.startswith("# places")
            continue
        if not line:
            continue
        english, _, chinese = line.partition("=")
        key = _key(english)
        if not key or len(key) > _MAX_WORDS or not chinese.split():
            raise ValueError(f"bad glossary line: {line!r}")
        table[key] = tuple(dict.fromkeys(table.get(key, ()) + tuple(chinese.split())))
        if in_places:
            places.add(key)
    for key, readings in _division_readings().items():
        if key not in table:  # the hand-written entries above win (六安 = lu'an, 宿州|苏州 order)
            table[key] = ("|".join(readings),)
            places.add(key)
    return table, frozenset(places)


def _division_readings() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Every province, city and county of the division table by its pinyin short name
    (yongqiao → 埇桥, taizhou → 泰州|台州), larger places first among same-sounding ones."""
    from pypinyin import lazy_pinyin

    from policyqa.ingest.metadata.divisions import division_table, short_name

    rank = {"province": 0, "city": 1, "district": 2}
    out: dict[tuple[str, ...], list[str]] = {}
    for place in sorted(division_table().places, key=lambda p: (rank[p.level], p.code)):
        stem = short_name(place.name, place.level)
        if len(stem) < 2:
            continue
        key = ("".join(lazy_pinyin(stem)).lower(),)
        if key[0].isascii() and key[0].isalpha() and stem not in out.setdefault(key, []):
            out[key].append(stem)
    return {k: tuple(v) for k, v in out.items()}


def glossary() -> dict[tuple[str, ...], tuple[str, ...]]:
    """The glossary as lemmatised word tuples → Chinese terms (``a|b``: readings of one name)."""
    return _parsed()[0]


def _matches(query: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Glossary entries an English query names, in query order; phrases win, longest first."""
    if not is_latin_query(query):
        return []
    table = glossary()
    words = _key(query)
    found: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            key = words[i:i + n]
            if key in table:
                found.append((key, table[key]))
                i += n
                break
        else:
            i += 1
    return found


def is_latin_query(text: str) -> bool:
    """True when Latin letters outnumber Han characters (an English query)."""
    return len(_LATIN.findall(text)) > len(_HAN.findall(text))


def chinese_terms(query: str) -> str:
    """The Chinese glossary terms an English query names, in query order, once each; '' if none.

    Phrases win over their words, longest first ("industrial park" → 产业园 园区, not 产业 工业 园区);
    every reading of an ambiguous name is kept. A query that is mostly Chinese gets ''.
    """
    terms = [reading for _, chinese in _matches(query) for term in chinese for reading in term.split("|")]
    return " ".join(dict.fromkeys(terms))


def place_readings(query: str) -> list[tuple[str, ...]]:
    """The places an English query names, each as its Chinese readings (Suzhou → ('宿州', '苏州')).

    Example:
        >>> place_readings("Who leads it in Yongqiao and Suzhou?")
        [('埇桥',), ('宿州', '苏州')]
    """
    places = _parsed()[1]
    out: list[tuple[str, ...]] = []
    for key, chinese in _matches(query):
        if key in places:
            out.extend(tuple(term.split("|")) for term in chinese)
    return out


def concepts(query: str) -> list[tuple[str, ...]]:
    """The non-place glossary entries an English query names, each as its Chinese terms (any one
    of them counts: plan → ('规划', '计划', '方案')), for checking the corpus holds the concept."""
    places = _parsed()[1]
    return [tuple(r for term in chinese for r in term.split("|")) for key, chinese in _matches(query)
            if key not in places]
