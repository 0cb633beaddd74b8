"""A synthetic fleet of N sites × M columns for benchmarks: every column fresh.

Sites rotate through the CMS styles and charsets of the demo fleet and through a catalog of
department names; dates and titles are drawn from a generator seeded by ``seed``, so the
same arguments always give the same fleet.
"""

from __future__ import annotations

from datetime import date

from crawler.demo.assembly import ColumnSpec, SiteSpec, build_site
from crawler.demo.model import Charset, Fleet
from crawler.demo.styles import STYLES
from rules.model import Category

__all__ = ["generated_fleet"]

_PREFIX = "济源产城融合示范区"

_DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("发展改革和统计局", ("重点项目", "价格监测", "统计调查", "经济运行")),
    ("教育体育局", ("校园安全", "教师培训", "课后服务", "全民健身")),
    ("公安局", ("反诈宣传", "治安防控", "户籍管理", "平安建设")),
    ("财政金融局", ("预算管理", "金融服务", "国库集中支付", "惠企资金")),
    ("生态环境局", ("大气污染防治", "水污染防治", "环境执法", "排污许可")),
    ("交通运输局", ("农村公路建设", "道路运输安全", "公交服务", "治超治限")),
    ("农业农村局", ("高标准农田建设", "粮食生产", "农产品质量安全", "动物防疫")),
    ("民政局", ("社会救助", "养老服务", "婚姻登记", "儿童福利")),
    ("水利局", ("河长制", "水资源管理", "农村饮水安全", "水土保持")),
    ("卫生健康委员会", ("公共卫生", "医疗服务", "妇幼健康", "疾病预防控制")),
)

_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(id="gzdt", name="工作动态", category=Category.NEWS),
    ColumnSpec(id="tzgg", name="通知公告", category=Category.NOTICE),
    ColumnSpec(id="zcwj", name="政策文件", category=Category.NOTICE),
    ColumnSpec(id="tpxw", name="图片新闻", category=Category.NEWS),
    ColumnSpec(id="rsxx", name="人事信息", category=Category.PLAN),
    ColumnSpec(id="bmys", name="部门预算", category=Category.UPDATE, max_age_days=365),
    ColumnSpec(id="ghjh", name="规划计划", category=Category.PLAN),
    ColumnSpec(id="tjsj", name="统计数据", category=Category.UPDATE, max_age_days=90),
)

_CHARSETS = (Charset.UTF8, Charset.GBK, Charset.UTF8, Charset.GB2312, Charset.UTF8_LABELLED_GB2312)


def _columns(count: int) -> tuple[ColumnSpec, ...]:
    out: list[ColumnSpec] = []
    for index in range(count):
        base = _COLUMNS[index % len(_COLUMNS)]
        round_ = index // len(_COLUMNS)
        if round_ == 0:
            out.append(base)
        else:
            out.append(
                ColumnSpec(
                    id=f"{base.id}-{round_ + 1}",
                    name=f"{base.name}{round_ + 1}",
                    category=base.category,
                    max_age_days=base.max_age_days,
                )
            )
    return tuple(out)


def generated_fleet(
    *, sites: int, columns: int, items: int = 20, today: date, seed: int = 0
) -> Fleet:
    """``sites`` synthetic sites of ``columns`` fresh list columns with ``items`` items each."""
    if sites < 1 or columns < 1 or items < 1:
        raise ValueError(
            f"generated_fleet(sites={sites}, columns={columns}, items={items}):"
            " every count must be at least 1"
        )
    styles = sorted(STYLES)
    column_specs = _columns(columns)
    built = []
    for index in range(sites):
        department, topics = _DEPARTMENTS[(index + seed) % len(_DEPARTMENTS)]
        number = index + 1
        spec = SiteSpec(
            id=f"sim-{number:04d}",
            name=f"{_PREFIX}{department}(模拟{number:04d})",
            unit=f"{_PREFIX}{department}",
            site_code=f"49{seed % 100:02d}{number:06d}",
            domain=f"sim{number:04d}.example.gov.cn",
            style=styles[index % len(styles)],
            charset=_CHARSETS[index % len(_CHARSETS)],
            topics=topics,
            columns=column_specs,
        )
        built.append(build_site(spec, today=today, number=number, seed=seed, items=items))
    return Fleet(today=today, sites=tuple(built))
