"""The demo fleet: the 20 sites of 附件1 of the 2022 Q2 Jiyuan inspection notice.

Each site is simulated with realistic columns; the columns built ``STALE`` or ``OVERDUE``
are exactly the problems 附件1 lists, and every other column is fresh with a wide margin.
``EXPECTED_PROBLEMS`` states those problems as data for the end-to-end test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from types import MappingProxyType

from crawler.demo.assembly import ColumnSpec, SiteSpec, build_site
from crawler.demo.board import portal_letters
from crawler.demo.model import Charset, Fleet, Freshness, ProblemKind
from crawler.demo.portal import PORTAL_ID, with_report_columns
from rules.model import Category

__all__ = [
    "DEAD_EXTERNAL_LINK",
    "DEMO_SITES",
    "EXPECTED_PROBLEMS",
    "EXPECTED_PROBLEM_KINDS",
    "IMAGES_NOT_DISPLAYED",
    "PHOTO_COLUMN",
    "demo_fleet",
]

_PREFIX = "济源产城融合示范区"
_N, _T, _P, _U, _S = Category.NEWS, Category.NOTICE, Category.PLAN, Category.UPDATE, Category.STATIC
_STALE, _OVERDUE = Freshness.STALE, Freshness.OVERDUE


def _col(
    id_: str,
    name: str,
    category: Category,
    max_age_days: int | None = None,
    freshness: Freshness = Freshness.FRESH,
) -> ColumnSpec:
    return ColumnSpec(
        id=id_, name=name, category=category, max_age_days=max_age_days, freshness=freshness
    )


_WORK, _PHOTO = _col("gzdt", "工作动态", _N), _col("tpxw", "图片新闻", _N)
_NOTICE, _POLICY = _col("tzgg", "通知公告", _T), _col("zcwj", "政策文件", _T)
_PEOPLE, _PLAN = _col("rsxx", "人事信息", _P), _col("ghjh", "规划计划", _P)
_ABOUT = _col("jggk", "机构概况", _S)


def _site(
    number: int,
    id_: str,
    name: str,
    style: str,
    charset: Charset,
    topics: tuple[str, ...],
    *columns: ColumnSpec,
    unit: str | None = None,
) -> SiteSpec:
    return SiteSpec(
        id=id_,
        name=name,
        unit=unit or name,
        site_code=f"41900{number:05d}",
        domain=f"{id_}.jiyuan.gov.cn" if id_ != "jiyuan-gov" else "www.jiyuan.gov.cn",
        style=style,
        charset=charset,
        topics=topics,
        columns=columns,
    )


_UTF8, _GBK, _GB2312, _MISLABELLED = (
    Charset.UTF8,
    Charset.GBK,
    Charset.GB2312,
    Charset.UTF8_LABELLED_GB2312,
)

DEMO_SITES: tuple[SiteSpec, ...] = (
    _site(1, "jiyuan-gov", "济源市人民政府", "portal", _UTF8,
          ("优化营商环境", "产城融合", "黄河流域生态保护", "乡村振兴", "民生实事", "重点项目建设"),
          _col("zwyw", "政务要闻", _N), _col("bmdt", "部门动态", _N), _NOTICE, _POLICY,
          _PEOPLE, _PLAN, _col("zfgk", "政府概况", _S)),
    _site(2, "fgtj", f"{_PREFIX}发展改革和统计局门户网站", "trs", _GBK,
          ("重点项目", "价格监测", "统计调查", "节能降耗", "经济运行", "社会信用体系建设"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("tjsj", "统计数据", _U, 90), _PLAN, _ABOUT,
          unit=f"{_PREFIX}发展改革和统计局"),
    _site(3, "jyty", f"{_PREFIX}教育体育局", "vsb", _UTF8,
          ("校园安全", "教师培训", "中考招生", "全民健身", "课后服务", "学生资助"),
          _WORK, _col("tpxw", "图片新闻", _N, freshness=_STALE), _NOTICE, _POLICY,
          _col("bmys", "部门预算", _U, 365), _PEOPLE, _ABOUT),
    _site(4, "gcw", f"{_PREFIX}工业和科技创新委员会", "hanweb", _UTF8,
          ("工业转型升级", "科技创新", "企业研发投入", "高新技术企业培育", "智能制造", "工业节能"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("bmys", "部门预算", _U, 365, _OVERDUE),
          _PLAN, _ABOUT),
    _site(5, "gaj", f"{_PREFIX}公安局", "easysite", _GB2312,
          ("反诈宣传", "道路交通安全", "户籍管理", "治安防控", "平安建设", "校园周边整治"),
          _col("jwdt", "警务动态", _N), _PHOTO, _NOTICE, _POLICY, _PEOPLE, _ABOUT),
    _site(6, "czj", f"{_PREFIX}财政金融局", "cjk", _UTF8,
          ("预算管理", "政府采购", "金融服务", "国库集中支付", "惠企资金", "政府债务管理"),
          _WORK, _NOTICE, _POLICY, _col("bmys", "部门预算", _U, 365),
          _col("zfcg", "政府采购", _U, 90), _ABOUT),
    _site(7, "zrzy", f"{_PREFIX}自然资源和规划局", "trs", _UTF8,
          ("国土空间规划", "不动产登记", "耕地保护", "矿产资源管理", "土地供应", "地质灾害防治"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("ghgs", "规划公示", _U, 90), _PLAN, _ABOUT),
    _site(8, "sthj", f"{_PREFIX}生态环境局", "hanweb", _GBK,
          ("大气污染防治", "水污染防治", "土壤污染防治", "环境执法", "排污许可", "噪声污染"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("hpgs", "环评公示", _U, 90),
          _col("ts12369", "12369投诉查处", _U, 180, _OVERDUE), _ABOUT),
    _site(9, "zjj", f"{_PREFIX}住房和城乡建设局", "vsb", _MISLABELLED,
          ("老旧小区改造", "建筑市场监管", "物业管理", "城市更新", "建筑施工安全", "住房保障"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("gczb", "工程招标", _U, 365, _OVERDUE),
          _col("bzde", "标准定额", _U, 365, _OVERDUE), _ABOUT),
    _site(10, "jtys", f"{_PREFIX}交通运输局", "easysite", _UTF8,
          ("农村公路建设", "道路运输安全", "公交服务", "治超治限", "交通项目建设", "出租车管理"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("lkxx", "路况信息", _U, 30), _PEOPLE, _ABOUT),
    _site(11, "nync", f"{_PREFIX}农业农村局", "cjk", _GBK,
          ("高标准农田建设", "粮食生产", "农产品质量安全", "人居环境整治", "农机推广", "动物防疫"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("hnbt", "惠农补贴", _U, 180), _PLAN, _ABOUT),
    _site(12, "sjj", f"{_PREFIX}审计局", "trs", _UTF8,
          ("预算执行审计", "经济责任审计", "审计整改", "政府投资审计", "专项资金审计"),
          _WORK, _col("tpxw", "图片新闻", _N, freshness=_STALE), _NOTICE,
          _col("sjgg", "审计公告", _U, 365), _col("bmys", "部门预算", _U, 365), _ABOUT),
    _site(13, "mzj", f"{_PREFIX}民政局", "hanweb", _UTF8,
          ("社会救助", "养老服务", "婚姻登记", "社会组织管理", "殡葬改革", "儿童福利"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("shjz", "社会救助", _U, 90), _PEOPLE, _ABOUT),
    _site(14, "rsj", f"{_PREFIX}人力资源和社会保障局网站", "vsb", _GBK,
          ("就业创业", "社会保险", "人才引进", "劳动保障监察", "职业技能培训", "工资支付"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("zkxx", "招考信息", _U, 180), _PEOPLE, _ABOUT,
          unit=f"{_PREFIX}人力资源和社会保障局"),
    _site(15, "slj", f"{_PREFIX}水利局", "easysite", _UTF8,
          ("河长制", "水资源管理", "农村饮水安全", "水土保持", "防汛抗旱", "水利工程建设"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("gcjs", "工程建设", _U, 365, _OVERDUE),
          _col("ztbxx", "招投标信息", _U, 365, _OVERDUE), _ABOUT),
    _site(16, "lyj", f"{_PREFIX}林业局", "cjk", _UTF8,
          ("国土绿化", "森林防火", "林业有害生物防治", "古树名木保护", "林长制", "湿地保护"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("slfh", "森林防火", _U, 90), _PLAN, _ABOUT),
    _site(17, "wgl", f"{_PREFIX}文化广电和旅游局", "trs", _GBK,
          ("文旅融合", "非遗保护", "公共文化服务", "旅游市场监管", "文物保护", "广播电视"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("lyzx", "旅游资讯", _N), _PEOPLE, _ABOUT),
    _site(18, "wjw", f"{_PREFIX}卫生健康委员会", "hanweb", _UTF8,
          ("公共卫生", "医疗服务", "家庭医生签约", "妇幼健康", "疾病预防控制", "爱国卫生运动"),
          _WORK, _PHOTO, _NOTICE, _POLICY, _col("jkkp", "健康科普", _N), _PEOPLE, _ABOUT),
    _site(19, "yjj", f"{_PREFIX}应急管理局", "cjk", _UTF8,
          ("危化品", "非煤矿山", "消防安全", "防汛", "森林防火", "工贸企业"),
          _WORK, _PHOTO, _NOTICE, _col("aqsc", "安全生产", _U, 365, _OVERDUE),
          _col("xcjy", "宣传教育", _U, 365, _OVERDUE),
          _col("fhfx", "防火防汛抗旱", _U, 365, _OVERDUE), _ABOUT),
    _site(20, "ggzy", "济源市公共资源交易中心", "vsb", _UTF8,
          ("工程建设", "政府采购", "土地矿产", "产权交易", "电子招投标"),
          _col("hydt", "行业动态", _N, freshness=_STALE),
          _col("xwss", "新闻时事", _N, freshness=_STALE),
          _col("jygg", "交易公告", _U, 30), _col("zbgs", "中标公示", _U, 30), _NOTICE,
          _col("zcfg", "政策法规", _T), _col("zxjj", "中心简介", _S)),
)  # fmt: skip


def demo_fleet(today: date, *, history_from: date | None = None) -> Fleet:
    """The 20 sites of 附件1, every item dated relative to ``today``; with ``history_from``,
    each list column also holds what it showed since that day (``crawler.demo.timeline``)."""
    sites = tuple(
        build_site(spec, today=today, number=number, history_from=history_from)
        for number, spec in enumerate(DEMO_SITES, start=1)
    )
    # the portal's section 二 columns (crawler.demo.portal), after its own
    sites = with_report_columns(sites, today=today, history_from=history_from)
    # and its 网上咨询 board (crawler.demo.board)
    sites = tuple(
        replace(site, letters=portal_letters(today)) if site.id == PORTAL_ID else site
        for site in sites
    )
    return Fleet(today=today, sites=sites)


def _expected_kinds() -> dict[str, Mapping[str, ProblemKind]]:
    out: dict[str, Mapping[str, ProblemKind]] = {}
    for spec in DEMO_SITES:
        kinds = {
            column.name: ProblemKind(column.freshness.value)
            for column in spec.columns
            if column.freshness is not Freshness.FRESH
        }
        if kinds:
            out[spec.id] = MappingProxyType(kinds)
    return out


EXPECTED_PROBLEM_KINDS: Mapping[str, Mapping[str, ProblemKind]] = MappingProxyType(
    _expected_kinds()
)
"""Site id → column name → the finding kind it must produce (``stale`` or ``overdue``)."""

EXPECTED_PROBLEMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {site_id: tuple(kinds) for site_id, kinds in EXPECTED_PROBLEM_KINDS.items()}
)
"""Site id → the column names that must be judged stale or overdue; no other site has any."""

PHOTO_COLUMN = "图片新闻"
"""Columns of this name show a thumbnail beside every item, as real 图片新闻 lists do."""

IMAGES_NOT_DISPLAYED: Mapping[str, str] = MappingProxyType({"sthj": "tpxw"})
"""Site id → the column whose thumbnails do not display (附件1: "图片新闻图片不显示"): the CMS
answers some with its "页面不存在" page and status 200, the others with truncated PNG bytes."""

DEAD_EXTERNAL_LINK: tuple[str, str] = ("jiyuan-gov", "lyj")
"""(site, linked site): the portal's 部门网站 box links to every department site, and its link to
this one still points at a page the department site no longer has (HTTP 404). The link is
external (another site), so it is advisory and 附件1's row stays "无问题"."""
