"""The demo's 98 政务新媒体 accounts: 附件2 of the 2022 Q2 Jiyuan inspection notice.

The notice counts 98 running accounts (示范区正在运行的政务新媒体共98个) and lists six with
problems under the local rule "“两微一端”每周更新的内容少于2次" (``ATTACHMENT_2``); the other 92
are invented in the units' voices and are clean. ``EXPECTED_ACCOUNT_PROBLEMS`` states, as data
for the end-to-end test, how many weeks of the judged quarter each problem account is built
below two posts; no other account has any. Two notes on the notice itself: it lists
济源市承留镇 (微博) twice, so the demo has two accounts of that name with different ids; and
it scores 济源应急管理局 90 while printing "发现1次(扣5分)", a slip: the demo builds it with
two weeks, matching the score.

Most accounts are served as RSSHub feeds; a handful of 微博 (one of them from 附件2) through
the m.weibo.cn container API. ``demo_accounts(today)`` dates every history relative to
``today`` (see ``crawler.demo.posting``); ``with_demo_accounts(fleet)`` adds them to a fleet.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import MappingProxyType

from crawler.demo.model import AccountSource, DemoAccount, Fleet
from crawler.demo.posting import (
    HISTORY_LEAD_DAYS,
    PostVoice,
    demo_period,
    post_history,
    problem_weeks,
)
from rules.facts import Platform

__all__ = [
    "ACCOUNT_SPECS",
    "ATTACHMENT_2",
    "EXPECTED_ACCOUNT_PROBLEMS",
    "AccountSpec",
    "NoticeRow",
    "demo_accounts",
    "with_demo_accounts",
]

_PREFIX = "济源产城融合示范区"

# unit key → (主办单位, short name used in posts, Weibo hashtag, topics)
_UNITS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "gwh": (f"{_PREFIX}管委会办公室", "示范区", "济源发布",
            ("优化营商环境", "产城融合", "民生实事", "重点项目建设")),
    "fgtj": (f"{_PREFIX}发展改革和统计局", "发展改革和统计局", "济源发改",
             ("重点项目", "价格监测", "统计调查", "经济运行")),
    "jyty": (f"{_PREFIX}教育体育局", "教育体育局", "济源教育",
             ("校园安全", "中考招生", "课后服务", "全民健身")),
    "gcw": (f"{_PREFIX}工业和科技创新委员会", "工信科创委", "济源工信",
            ("科技创新", "智能制造", "企业研发投入", "工业转型升级")),
    "gaj": (f"{_PREFIX}公安局", "公安局", "济源公安",
            ("反诈宣传", "治安防控", "户籍管理", "平安建设")),
    "jj": (f"{_PREFIX}公安局交通警察支队", "交警支队", "济源交警",
           ("道路交通安全", "文明出行", "酒驾整治", "交通违法曝光")),
    "czj": (f"{_PREFIX}财政金融局", "财政金融局", "济源财政",
            ("预算管理", "政府采购", "金融服务", "惠企资金")),
    "zrzy": (f"{_PREFIX}自然资源和规划局", "自然资源和规划局", "济源自然资源",
             ("国土空间规划", "不动产登记", "耕地保护", "地质灾害防治")),
    "sthj": (f"{_PREFIX}生态环境局", "生态环境局", "济源生态环境",
             ("大气污染防治", "水污染防治", "环境执法", "排污许可")),
    "zjj": (f"{_PREFIX}住房和城乡建设局", "住房和城乡建设局", "济源住建",
            ("老旧小区改造", "物业管理", "城市更新", "住房保障")),
    "jtys": (f"{_PREFIX}交通运输局", "交通运输局", "济源交通",
             ("农村公路建设", "道路运输安全", "公交服务", "治超治限")),
    "nync": (f"{_PREFIX}农业农村局", "农业农村局", "济源农业",
             ("高标准农田建设", "粮食生产", "农产品质量安全", "人居环境整治")),
    "sjj": (f"{_PREFIX}审计局", "审计局", "济源审计",
            ("预算执行审计", "经济责任审计", "审计整改")),
    "mzj": (f"{_PREFIX}民政局", "民政局", "济源民政",
            ("社会救助", "养老服务", "婚姻登记", "儿童福利")),
    "rsj": (f"{_PREFIX}人力资源和社会保障局", "人社局", "济源人社",
            ("就业创业", "社会保险", "人才引进", "职业技能培训")),
    "slj": (f"{_PREFIX}水利局", "水利局", "济源水利",
            ("河长制", "水资源管理", "农村饮水安全", "防汛抗旱")),
    "lyj": (f"{_PREFIX}林业局", "林业局", "济源林业",
            ("国土绿化", "森林防火", "林长制", "湿地保护")),
    "wgl": (f"{_PREFIX}文化广电和旅游局", "文化广电和旅游局", "济源文旅",
            ("文旅融合", "非遗保护", "王屋山旅游", "公共文化服务")),
    "wjw": (f"{_PREFIX}卫生健康委员会", "卫生健康委员会", "健康济源",
            ("疫情防控", "家庭医生签约", "妇幼健康", "健康科普")),
    "yjj": (f"{_PREFIX}应急管理局", "应急管理局", "济源应急",
            ("安全生产", "防汛", "森林防火", "危化品安全")),
    "scjg": (f"{_PREFIX}市场监督管理局", "市场监督管理局", "济源市场监管",
             ("食品安全", "价格监督", "特种设备安全", "知识产权保护")),
    "ybj": (f"{_PREFIX}医疗保障局", "医疗保障局", "济源医保",
            ("医保缴费", "异地就医", "医保基金监管")),
    "sfj": (f"{_PREFIX}司法局", "司法局", "济源司法",
            ("普法宣传", "人民调解", "法律援助", "社区矫正")),
    "tyjr": (f"{_PREFIX}退役军人事务局", "退役军人事务局", "济源退役军人",
             ("拥军优属", "退役军人就业", "双拥共建")),
    "cgj": (f"{_PREFIX}城市管理局", "城市管理局", "济源城管",
            ("市容环境整治", "垃圾分类", "城市绿化", "违建治理")),
    "ggzy": ("济源市公共资源交易中心", "公共资源交易中心", "济源公共资源交易",
             ("工程建设交易", "政府采购交易", "电子招投标")),
    "cl": ("承留镇人民政府", "承留镇", "济源承留",
           ("乡村振兴", "人居环境整治", "基层党建", "产业发展")),
    "xy": ("下冶镇人民政府", "下冶镇", "魅力下冶",
           ("乡村振兴", "乡村旅游", "基层党建", "移民安置")),
    "zc": ("轵城镇人民政府", "轵城镇", "轵城发布",
           ("产业发展", "人居环境整治", "平安建设", "基层党建")),
    "kj": ("克井镇人民政府", "克井镇", "克井发布",
           ("项目建设", "生态修复", "乡村振兴", "安全生产")),
    "sy": ("邵原镇人民政府", "邵原镇", "邵原发布",
           ("创世圣山旅游", "乡村振兴", "森林防火", "基层党建")),
    "sl": ("思礼镇人民政府", "思礼镇", "大美思礼",
           ("卢仝茶文化", "乡村旅游", "人居环境整治", "乡村振兴")),
    "ttj": ("天坛街道办事处", "天坛街道", "天坛街道",
            ("社区治理", "文明创建", "便民服务", "平安建设")),
    "bhj": ("北海街道办事处", "北海街道", "北海街道",
            ("社区治理", "文明创建", "网格化管理", "志愿服务")),
    "wlk": ("五龙口镇人民政府", "五龙口镇", "五龙口",
            ("猕猴保护", "乡村旅游", "产业发展", "乡村振兴")),
    "yqj": ("玉泉街道办事处", "玉泉街道", "玉泉街道",
            ("社区治理", "项目建设", "便民服务")),
    "pt": ("坡头镇人民政府", "坡头镇", "坡头发布",
           ("黄河生态保护", "乡村振兴", "移民新村建设")),
    "qyj": ("沁园街道办事处", "沁园街道", "沁园街道",
            ("社区治理", "文明创建", "志愿服务")),
    "dy": ("大峪镇人民政府", "大峪镇", "大峪发布",
           ("小浪底旅游", "乡村振兴", "森林防火")),
    "ll": ("梨林镇人民政府", "梨林镇", "梨林发布",
           ("粮食生产", "人居环境整治", "产业发展")),
    "jsj": ("济水街道办事处", "济水街道", "济水街道",
            ("社区治理", "老旧小区改造", "便民服务")),
    "ww": ("王屋镇人民政府", "王屋镇", "愚公故里",
           ("愚公移山精神", "王屋山旅游", "乡村振兴", "森林防火")),
    "kfq": ("济源经济技术开发区管理委员会", "经济技术开发区", "济源经开区",
            ("招商引资", "项目建设", "企业服务")),
    "gxq": ("济源高新技术产业开发区管理委员会", "高新区", "济源高新区",
            ("科技创新", "招商引资", "企业服务")),
}  # fmt: skip

_PLATFORM_BY_KIND = {
    "微博": Platform.WEIBO,
    "订阅号": Platform.WECHAT,
    "服务号": Platform.WECHAT,
    "抖音": Platform.DOUYIN,
    "今日头条": Platform.TOUTIAO,
    "快手": Platform.KUAISHOU,
    "哔哩哔哩": Platform.BILIBILI,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSpec:
    """An account before dating: who it is, where it is served, how many weeks it is quiet."""

    id: str
    name: str
    kind: str  # the notice's 类型
    unit_key: str
    source: AccountSource = AccountSource.RSSHUB
    weeks_below: int = 0

    @property
    def platform(self) -> Platform:
        return _PLATFORM_BY_KIND[self.kind]

    @property
    def unit(self) -> str:
        return _UNITS[self.unit_key][0]

    @property
    def handle(self) -> str:
        """The account's id on its platform, derived from its demo id (stable, distinct)."""
        digest = hashlib.blake2b(f"handle:{self.id}".encode(), digest_size=32).digest()
        number = int.from_bytes(digest[:8], "big")
        match self.platform:
            case Platform.WEIBO:
                return str(5_000_000_000 + number % 2_500_000_000)
            case Platform.WECHAT:  # a __biz: base64 of a 10-digit number
                return base64.b64encode(str(3_000_000_000 + number % 999_999_999).encode()).decode()
            case Platform.DOUYIN | Platform.TOUTIAO:  # a sec_uid / user token
                return "MS4wLjABAAAA" + base64.urlsafe_b64encode(digest).decode()[:43]
            case Platform.BILIBILI:
                return str(1_000_000_000 + number % 2_000_000_000)
            case _:
                return "3x" + base64.b32encode(digest).decode().lower()[:13]


def _a(
    id_: str,
    name: str,
    kind: str,
    unit_key: str,
    *,
    api: bool = False,
    page: bool = False,
    weeks: int = 0,
) -> AccountSpec:
    source = (
        AccountSource.WEIBO_UID if api else AccountSource.PAGE if page else AccountSource.RSSHUB
    )
    return AccountSpec(
        id=id_, name=name, kind=kind, unit_key=unit_key, source=source, weeks_below=weeks
    )


ACCOUNT_SPECS: tuple[AccountSpec, ...] = (
    # 附件2 lists its six rows in an order of its own (序号 1–6); the accounts are listed so
    # that they come in that order: 济源市承留镇 first, 济源水利 after 济源应急管理局, and the
    # second 济源市承留镇 last.
    _a("cl-weibo", "济源市承留镇", "微博", "cl", weeks=1),
    # 管委会及部门
    _a("jyfb-weibo", "济源发布", "微博", "gwh", api=True),
    _a("jyfb-wechat", "济源发布", "订阅号", "gwh"),
    _a("jyfb-douyin", "济源发布", "抖音", "gwh", page=True),  # read off its platform page
    _a("jyfb-toutiao", "济源发布", "今日头条", "gwh"),
    _a("jyfb-bilibili", "济源发布", "哔哩哔哩", "gwh"),
    _a("fgtj-wechat", "济源发改统计", "订阅号", "fgtj"),
    _a("fgtj-weibo", "济源发展改革和统计", "微博", "fgtj"),
    _a("jyty-weibo", "济源教育体育", "微博", "jyty"),
    _a("jyty-wechat", "济源教育", "订阅号", "jyty"),
    _a("jyty-douyin", "济源教体", "抖音", "jyty"),
    _a("gcw-wechat", "济源工信科创", "订阅号", "gcw"),
    _a("gcw-weibo", "济源工业和科技创新", "微博", "gcw"),
    _a("gaj-weibo", "济源公安", "微博", "gaj", api=True),
    _a("gaj-wechat", "济源公安", "服务号", "gaj"),
    _a("gaj-douyin", "济源公安", "抖音", "gaj"),
    _a("gaj-kuaishou", "济源公安", "快手", "gaj"),
    _a("gaj-toutiao", "济源公安", "今日头条", "gaj", page=True),
    _a("jj-weibo", "济源交警", "微博", "jj"),
    _a("jj-wechat", "济源交警", "订阅号", "jj"),
    _a("jj-douyin", "济源交警", "抖音", "jj"),
    _a("czj-weibo", f"{_PREFIX}财政金融局", "微博", "czj", weeks=2),
    _a("czj-wechat", "济源财政金融", "订阅号", "czj"),
    _a("zrzy-wechat", "济源自然资源和规划", "订阅号", "zrzy"),
    _a("zrzy-weibo", "济源自然资源", "微博", "zrzy"),
    _a("sthj-weibo", "济源生态环境", "微博", "sthj", api=True),
    _a("sthj-wechat", "济源生态环境", "订阅号", "sthj"),
    _a("sthj-douyin", "济源环境", "抖音", "sthj"),
    _a("zjj-wechat", "济源住建", "订阅号", "zjj"),
    _a("zjj-weibo", "济源住房和城乡建设", "微博", "zjj"),
    _a("jtys-wechat", "济源交通运输", "订阅号", "jtys"),
    _a("jtys-weibo", "济源交通", "微博", "jtys"),
    _a("nync-wechat", "济源农业农村", "订阅号", "nync"),
    _a("nync-weibo", "济源农业农村", "微博", "nync"),
    _a("sjj-wechat", "济源审计", "订阅号", "sjj"),
    _a("mzj-wechat", "济源民政", "订阅号", "mzj"),
    _a("mzj-weibo", "济源民政", "微博", "mzj"),
    _a("rsj-wechat", "济源人社", "服务号", "rsj"),
    _a("rsj-weibo", "济源人社", "微博", "rsj"),
    _a("rsj-douyin", "济源人社", "抖音", "rsj"),
    _a("lyj-wechat", "济源林业", "订阅号", "lyj"),
    _a("lyj-weibo", "济源林业", "微博", "lyj"),
    _a("wgl-weibo", "济源文旅", "微博", "wgl"),
    _a("wgl-wechat", "济源文旅", "订阅号", "wgl"),
    _a("wgl-douyin", "济源文旅", "抖音", "wgl"),
    _a("wgl-toutiao", "济源文旅", "今日头条", "wgl"),
    _a("wgl-bilibili", "济源文旅", "哔哩哔哩", "wgl"),
    _a("wjw-weibo", "健康济源", "微博", "wjw"),
    _a("wjw-wechat", "健康济源", "订阅号", "wjw"),
    _a("wjw-douyin", "健康济源", "抖音", "wjw"),
    _a("yjj-weibo", "济源应急管理局", "微博", "yjj", api=True, weeks=2),
    _a("yjj-wechat", "济源应急管理", "订阅号", "yjj"),
    _a("yjj-douyin", "济源应急", "抖音", "yjj"),
    _a("slj-wechat", "济源水利", "订阅号", "slj", weeks=1),
    _a("slj-weibo", "济源水利", "微博", "slj"),
    _a("scjg-wechat", "济源市场监管", "订阅号", "scjg"),
    _a("scjg-weibo", "济源市场监管", "微博", "scjg"),
    _a("ybj-wechat", "济源医保", "服务号", "ybj"),
    _a("sfj-weibo", "济源司法", "微博", "sfj"),
    _a("sfj-wechat", "济源司法", "订阅号", "sfj"),
    _a("tyjr-wechat", "济源退役军人", "订阅号", "tyjr"),
    _a("cgj-wechat", "济源城管", "订阅号", "cgj"),
    _a("cgj-weibo", "济源城管", "微博", "cgj"),
    _a("ggzy-wechat", "济源公共资源交易", "订阅号", "ggzy"),
    # 片区、镇、街道办事处
    _a("cl-wechat", "魅力承留", "订阅号", "cl"),
    _a("xy-wechat", "魅力下冶", "订阅号", "xy"),
    _a("xy-douyin", "下冶发布", "抖音", "xy"),
    _a("zc-wechat", "轵城发布", "订阅号", "zc"),
    _a("zc-weibo", "济源市轵城镇", "微博", "zc"),
    _a("kj-wechat", "克井发布", "订阅号", "kj"),
    _a("kj-weibo", "济源市克井镇", "微博", "kj"),
    _a("sy-wechat", "邵原发布", "订阅号", "sy"),
    _a("sy-douyin", "邵原发布", "抖音", "sy"),
    _a("sl-douyin", "卢仝故里•大美思礼", "抖音", "sl", page=True, weeks=1),
    _a("sl-wechat", "思礼发布", "订阅号", "sl"),
    _a("sl-weibo", "济源市思礼镇", "微博", "sl"),
    _a("ttj-wechat", "天坛街道", "订阅号", "ttj"),
    _a("ttj-weibo", "济源天坛街道", "微博", "ttj"),
    _a("bhj-wechat", "北海街道", "订阅号", "bhj"),
    _a("bhj-weibo", "济源北海街道", "微博", "bhj"),
    _a("wlk-wechat", "五龙口发布", "订阅号", "wlk"),
    _a("wlk-douyin", "五龙口镇", "抖音", "wlk"),
    _a("yqj-wechat", "玉泉街道", "订阅号", "yqj"),
    _a("pt-wechat", "坡头发布", "订阅号", "pt"),
    _a("pt-weibo", "济源市坡头镇", "微博", "pt"),
    _a("qyj-wechat", "沁园街道", "订阅号", "qyj"),
    _a("dy-wechat", "大峪发布", "订阅号", "dy"),
    _a("dy-kuaishou", "大峪镇", "快手", "dy"),
    _a("ll-wechat", "梨林发布", "订阅号", "ll"),
    _a("ll-weibo", "济源市梨林镇", "微博", "ll"),
    _a("jsj-wechat", "济水街道", "订阅号", "jsj"),
    _a("ww-wechat", "愚公故里王屋", "订阅号", "ww"),
    _a("ww-douyin", "愚公故里王屋镇", "抖音", "ww"),
    _a("ww-weibo", "济源市王屋镇", "微博", "ww", api=True),
    _a("kfq-wechat", "济源经济技术开发区", "订阅号", "kfq"),
    _a("gxq-wechat", "济源高新区", "订阅号", "gxq"),
    _a("gxq-toutiao", "济源高新区", "今日头条", "gxq"),
    _a("cl-weibo-2", "济源市承留镇", "微博", "cl", weeks=1),
)
"""All 98 accounts, in the order the targets file lists them (附件2 keeps it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeRow:
    """One row of 附件2 as printed, and the demo account it stands for."""

    number: int  # 序号
    name: str  # 名称
    kind: str  # 类型
    score: int  # 分数
    problem: str  # 存在问题
    account_id: str


def _row(number: int, name: str, kind: str, score: int, found: int, account_id: str) -> NoticeRow:
    problem = f"“两微一端”每周更新的内容少于2次,发现{found}次(扣{5 * found}分)"
    return NoticeRow(
        number=number, name=name, kind=kind, score=score, problem=problem, account_id=account_id
    )


ATTACHMENT_2: tuple[NoticeRow, ...] = (
    _row(1, "济源市承留镇", "微博", 95, 1, "cl-weibo"),
    _row(2, f"{_PREFIX}财政金融局", "微博", 90, 2, "czj-weibo"),
    _row(3, "济源应急管理局", "微博", 90, 1, "yjj-weibo"),  # the score says 2 weeks
    _row(4, "济源水利", "订阅号", 95, 1, "slj-wechat"),
    _row(5, "卢仝故里•大美思礼", "抖音", 95, 1, "sl-douyin"),
    _row(6, "济源市承留镇", "微博", 95, 1, "cl-weibo-2"),
)
"""附件2 (仅存在问题部分) of the notice, row by row, as printed."""

EXPECTED_ACCOUNT_PROBLEMS: Mapping[str, int] = MappingProxyType(
    {spec.id: spec.weeks_below for spec in ACCOUNT_SPECS if spec.weeks_below}
)
"""Account id → complete weeks of the judged quarter with fewer than 2 posts; others have none."""


def demo_accounts(today: date) -> tuple[DemoAccount, ...]:
    """The 98 accounts with their posting histories, dated relative to ``today``."""
    period = demo_period(today)
    since = period.start - timedelta(days=HISTORY_LEAD_DAYS)
    accounts: list[DemoAccount] = []
    for spec in ACCOUNT_SPECS:
        _, short, tag, topics = _UNITS[spec.unit_key]
        handle = spec.handle
        posts = post_history(
            account_id=spec.id,
            platform=spec.platform,
            handle=handle,
            voice=PostVoice(short=short, topics=topics, tag=tag),
            today=today,
            quiet_weeks=problem_weeks(spec.id, spec.weeks_below, period),
            since=since,
        )
        accounts.append(
            DemoAccount(
                id=spec.id,
                name=spec.name,
                platform=spec.platform,
                kind=spec.kind,
                unit=spec.unit,
                source=spec.source,
                handle=handle,
                weeks_below=spec.weeks_below,
                posts=posts,
            )
        )
    return tuple(accounts)


def with_demo_accounts(fleet: Fleet) -> Fleet:
    """``fleet`` with the 98 accounts added, dated relative to the fleet's ``today``."""
    return replace(fleet, accounts=demo_accounts(fleet.today))
