"""The built-in platforms: one descriptor each, the only table of platform facts (DESIGN §1, §4).

Adding a platform: one entry here, plus its own new modules (wire protocol, connector, emulator,
tests); see README "Adding a platform". Capabilities come from the platforms' open-API metadata
and SDKs (shared/research/platform-apis*.md); name limits are the back offices' form limits,
and TOP refuses role names over 20 characters.

`handover`: Tmall/Taobao, Pinduoduo and JD sub-accounts are the shop's, with a password and a
bound phone the main account can change in the back office, so one can be reset for a new
person. Douyin sub-accounts are the employee's own phone or e-mail, confirmed by an SMS code
(research round 2, Douyin); Kuaishou binds each sub-account to a phone at creation and its
update API changes only contact phone, roles and remarks (`open.user.sub.account.create` /
`.update`, research round 1). Neither can be reset for someone else: a new person gets a new
account there (Kuaishou deletes and creates through its API).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from provisioner.platforms.capabilities import Capabilities, KindCapabilities
from provisioner.platforms.descriptor import BackOffice, NamingRule, Platform

TOP_CAPABILITIES: Capabilities = {
    "account": KindCapabilities(
        listable=True,
        readable=frozenset({"status", "roles", "dispatch"}),
        writable=frozenset({"status", "dispatch"}),
    ),
    "role": KindCapabilities(
        listable=True, create=True, create_fields=frozenset({"permissions", "native"})
    ),
    "group": KindCapabilities(),
}

_KUAISHOU_ACCOUNT = frozenset({"status", "roles"})
# A group's description cannot be read or written through the API (group.add takes groupName
# only, group.update only members): it is a manual task. Groups are read back by recorded id.
_KUAISHOU_GROUP = frozenset({"members"})
KUAISHOU_CAPABILITIES: Capabilities = {
    "account": KindCapabilities(
        listable=True,
        readable=_KUAISHOU_ACCOUNT,
        writable=_KUAISHOU_ACCOUNT,
        create=True,
        create_fields=_KUAISHOU_ACCOUNT,
        delete=True,
    ),
    "role": KindCapabilities(listable=True, managed=False),
    "group": KindCapabilities(
        listable=True,
        readable=_KUAISHOU_GROUP,
        writable=_KUAISHOU_GROUP,
        create=True,
        create_fields=_KUAISHOU_GROUP,
        delete=True,
    ),
}

# Tmall/Taobao: sub-accounts are "<main>:<nickname>", so ':' cannot appear in a nickname.
_TOP_NAMING = NamingRule(max_nickname=20, max_role=20, forbidden=":")
_NAMING = NamingRule(max_nickname=20, max_role=30)
# Official gateways (shared/research/platform-apis.md §1, §4, §5): TOP's production routers and
# its own sandbox (bububa/opentaobao core/const.go; the official SDK's defaults, over https),
# Kuaishou's open API, JD's JOS router.
_TOP_HOSTS = (
    "https://eco.taobao.com",
    "https://gw.api.taobao.com",
    "https://gw.api.tbsandbox.com",
)
_QIANNIU = BackOffice(
    "千牛卖家中心",
    "店铺管理 → 子账号管理 → 员工管理",
    "子账号管理 → 岗位管理",
    "千牛接待中心 → 分流设置 → 分组管理",
    "千牛接待中心 → 接待设置",
)

TMALL = Platform(
    name="tmall",
    api_hosts=_TOP_HOSTS,
    display_name="Tmall 天猫",
    connector="provisioner.connectors.top:TmallConnector",
    api="top",
    emulator="provisioner.emulators.top:FAMILY",
    capabilities=TOP_CAPABILITIES,
    naming=_TOP_NAMING,
    account_format="{main_account}:{nickname}",
    back_office=_QIANNIU,
    handover=True,
)
TAOBAO = Platform(
    name="taobao",
    api_hosts=_TOP_HOSTS,
    display_name="Taobao 淘宝",
    connector="provisioner.connectors.top:TaobaoConnector",
    api="top",
    emulator="provisioner.emulators.top:FAMILY",
    capabilities=TOP_CAPABILITIES,
    naming=_TOP_NAMING,
    account_format="{main_account}:{nickname}",
    back_office=_QIANNIU,
    handover=True,
)
PINDUODUO = Platform(
    name="pinduoduo",
    display_name="Pinduoduo",
    connector="provisioner.connectors.manual:PinduoduoConnector",
    naming=_NAMING,
    back_office=BackOffice(
        "拼多多商家后台",
        "店铺管理 → 子账号管理",
        "子账号管理 → 权限模板",
        "多多客服 → 客服分组",
        "多多客服 → 接待设置",
        "权限模板",
    ),
    handover=True,
)
DOUYIN = Platform(
    name="douyin",
    display_name="Douyin Shop",
    connector="provisioner.connectors.manual:DouyinConnector",
    naming=_NAMING,
    back_office=BackOffice(
        "抖店商家后台",
        "店铺 → 子账号管理",
        "子账号管理 → 岗位管理",
        "飞鸽客服 → 分流设置 → 客服分组",
        "飞鸽客服 → 接待设置",
    ),
)
KUAISHOU = Platform(
    name="kuaishou",
    api_hosts=("https://openapi.kwaixiaodian.com",),
    display_name="Kuaishou 快手小店",
    connector="provisioner.connectors.kuaishou:KuaishouConnector",
    api="kuaishou",
    emulator="provisioner.emulators.kuaishou:FAMILY",
    capabilities=KUAISHOU_CAPABILITIES,
    naming=_NAMING,
    needs_contact_phone=True,
    read_by_recorded_id=frozenset({"group"}),
    back_office=BackOffice(
        "快手小店商家后台",
        "店铺 → 子账号管理",
        "子账号管理 → 角色管理",
        "客服 → 分流设置 → 客服分组",
        "客服 → 接待设置",
        "角色",
    ),
)
# JD's JOS reads sub-accounts (status), their roles and the shop's roles, and writes nothing.
JD_CAPABILITIES: Capabilities = {
    "account": KindCapabilities(listable=True, readable=frozenset({"status", "roles"})),
    "role": KindCapabilities(listable=True),
    "group": KindCapabilities(),
}
JD = Platform(
    name="jd",
    api_hosts=("https://api.jd.com/routerjson",),
    display_name="JD 京东",
    connector="provisioner.connectors.jd:JdConnector",
    api="jos",
    emulator="provisioner.emulators.jos:FAMILY",
    capabilities=JD_CAPABILITIES,
    naming=NamingRule(max_nickname=20, max_role=25),
    back_office=BackOffice(
        "京东商家后台",
        "账号管理 → 子账号管理",
        "账号管理 → 角色管理",
        "咚咚客服 → 分流设置 → 客服分组",
        "咚咚客服 → 接待设置",
        "角色",
    ),
    handover=True,
)

BUILTIN: Mapping[str, Platform] = MappingProxyType(
    {p.name: p for p in (TMALL, TAOBAO, PINDUODUO, DOUYIN, KUAISHOU, JD)}
)
