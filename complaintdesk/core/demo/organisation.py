"""The demo telecom operator's departments and staff: who works where, speaks what, handles what."""

from __future__ import annotations

from dataclasses import dataclass

from complaintdesk.accounts.choices import Role


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    name_zh: str
    calendar_name: str
    # Content keys this department handles; routing in the demo follows them.
    handles: tuple[str, ...]


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    department: str | None
    languages: tuple[str, ...]
    skills: tuple[str, ...] = ()


CUSTOMER_SERVICE = "customer-service"
NETWORK = "network-operations"
BILLING = "billing-centre"
MARKETING = "marketing"
DEVICES = "devices"
LEGAL = "legal"
PUBLIC_RELATIONS = "public-relations"

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    # The contact centre and the network operations centre work around the clock.
    DepartmentSpec(CUSTOMER_SERVICE, "Customer service", "客服部", "cn-24x7",
                   ("service.quality", "service.attitude", "service.process")),
    DepartmentSpec(NETWORK, "Network operations", "网络运维部", "cn-24x7",
                   ("network.coverage", "network.speed", "network.stability")),
    DepartmentSpec(BILLING, "Billing centre", "计费中心", "cn-office",
                   ("billing.tariff", "billing.charge", "billing.promotion")),
    DepartmentSpec(MARKETING, "Marketing", "市场部", "cn-office",
                   ("product.plan", "product.vas", "product.porting")),
    DepartmentSpec(DEVICES, "Devices and terminals", "终端部", "cn-office",
                   ("device.handset", "device.broadband")),
    DepartmentSpec(LEGAL, "Legal", "法务部", "cn-office",
                   ("other.privacy", "other.contract", "product.contract")),
    DepartmentSpec(PUBLIC_RELATIONS, "Public relations", "公关部", "cn-office", ()),
)  # fmt: skip

ZH = ("zh",)
ZH_EN = ("zh", "en")

_CS = DEPARTMENTS[0].handles
_NET = DEPARTMENTS[1].handles
_BIL = DEPARTMENTS[2].handles
_MKT = DEPARTMENTS[3].handles
_DEV = DEPARTMENTS[4].handles
_LEG = DEPARTMENTS[5].handles

STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("admin", "林嘉慧", "", Role.ADMIN, None, ZH_EN),
    # Intake agents of the contact centre; two of them take the English and Cantonese lines.
    StaffSpec("chen.jing", "陈静", "", Role.AGENT, CUSTOMER_SERVICE, ZH, ("billing.charge", *_CS)),
    StaffSpec("wang.lei", "王磊", "", Role.AGENT, CUSTOMER_SERVICE, ZH, ("network.coverage", *_CS)),
    StaffSpec("li.xiaomei", "李晓梅", "", Role.AGENT, CUSTOMER_SERVICE, ZH, _CS),
    StaffSpec("zhao.peng", "赵鹏", "", Role.AGENT, CUSTOMER_SERVICE, ZH_EN, _CS),
    StaffSpec("sun.tingting", "孙婷婷", "", Role.AGENT, CUSTOMER_SERVICE, ZH, ("product.plan",)),
    StaffSpec("zhou.kai", "周凯", "", Role.AGENT, CUSTOMER_SERVICE, ZH, _CS),
    StaffSpec("emily.chan", "Emily", "Chan 陳詠詩", Role.AGENT, CUSTOMER_SERVICE, ZH_EN, _CS),
    StaffSpec("kelvin.wong", "Kelvin", "Wong 黃家豪", Role.AGENT, CUSTOMER_SERVICE, ZH_EN, _CS),
    # Department handlers: each department has at least one who works in English.
    StaffSpec("liu.fang", "刘芳", "", Role.HANDLER, CUSTOMER_SERVICE, ZH_EN, _CS),
    StaffSpec("huang.zhiqiang", "黄志强", "", Role.HANDLER, CUSTOMER_SERVICE, ZH, _CS),
    StaffSpec("xu.dandan", "徐丹丹", "", Role.HANDLER, CUSTOMER_SERVICE, ZH, _CS),
    StaffSpec("guo.haoran", "郭浩然", "", Role.HANDLER, NETWORK, ZH, _NET),
    StaffSpec("he.jianguo", "何建国", "", Role.HANDLER, NETWORK, ZH, _NET),
    StaffSpec("raymond.lau", "Raymond", "Lau 劉偉強", Role.HANDLER, NETWORK, ZH_EN, _NET),
    StaffSpec("ma.xiulan", "马秀兰", "", Role.HANDLER, BILLING, ZH, _BIL),
    StaffSpec("zhu.bin", "朱斌", "", Role.HANDLER, BILLING, ZH_EN, _BIL),
    StaffSpec("hu.yutong", "胡雨桐", "", Role.HANDLER, BILLING, ZH, _BIL),
    StaffSpec("gao.siyuan", "高思远", "", Role.HANDLER, MARKETING, ZH, _MKT),
    StaffSpec("karen.leung", "Karen", "Leung 梁淑儀", Role.HANDLER, MARKETING, ZH_EN, _MKT),
    StaffSpec("luo.wenbo", "罗文博", "", Role.HANDLER, DEVICES, ZH, _DEV),
    StaffSpec("zheng.hui", "郑慧", "", Role.HANDLER, DEVICES, ZH_EN, _DEV),
    StaffSpec("xie.lixin", "谢立新", "", Role.HANDLER, LEGAL, ZH_EN, _LEG),
    StaffSpec("song.mengqi", "宋梦琪", "", Role.HANDLER, LEGAL, ZH, _LEG),
    StaffSpec("tang.jiayi", "唐佳怡", "", Role.HANDLER, PUBLIC_RELATIONS, ZH_EN),
    StaffSpec("vivian.ho", "Vivian", "Ho 何慧敏", Role.HANDLER, PUBLIC_RELATIONS, ZH_EN),
    # Supervisors approve plans and reject invalid complaints.
    StaffSpec("han.zhenhua", "韩振华", "", Role.SUPERVISOR, CUSTOMER_SERVICE, ZH_EN, _CS),
    StaffSpec("feng.chunyan", "冯春燕", "", Role.SUPERVISOR, CUSTOMER_SERVICE, ZH, _CS),
    StaffSpec("deng.gang", "邓刚", "", Role.SUPERVISOR, NETWORK, ZH, _NET),
    StaffSpec("cao.xue", "曹雪", "", Role.SUPERVISOR, BILLING, ZH, _BIL),
    StaffSpec("peng.liang", "彭亮", "", Role.SUPERVISOR, MARKETING, ZH_EN, (*_MKT, *_DEV)),
    # The complaints manager holds manager authority: the authority matrix sends plans of
    # major complaints (and large compensation) to a manager.
    StaffSpec("yang.guoqiang", "杨国强", "", Role.SUPERVISOR, CUSTOMER_SERVICE, ZH_EN, _CS),
    # Quality auditors sit in customer service; the analyst works for head office.
    StaffSpec("tian.shuzhen", "田淑珍", "", Role.AUDITOR, CUSTOMER_SERVICE, ZH),
    StaffSpec("grace.yip", "Grace", "Yip 葉寶儀", Role.AUDITOR, CUSTOMER_SERVICE, ZH_EN),
    StaffSpec("dong.tianyou", "董天佑", "", Role.ANALYST, None, ZH_EN),
)  # fmt: skip

# Which supervisor approves plans of which department; others go to customer service.
APPROVING_SUPERVISOR: dict[str, str] = {
    NETWORK: "deng.gang",
    BILLING: "cao.xue",
    MARKETING: "peng.liang",
    DEVICES: "peng.liang",
}

# Supervisors with manager approval authority (handling's ApprovalAuthority, no amount
# limit); they approve rather than assign or reject complaints.
MANAGERS: tuple[str, ...] = ("yang.guoqiang",)
