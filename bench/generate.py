"""Generate realistic provisioner configs (DESIGN §2) for benchmarking.

    python bench/generate.py OUT_DIR --shops N --agents-per-shop M [--seed S]
                             [--api-platforms] [--mutate PERCENT [--mutated-out DIR]]

The output is a directory split the way a team would keep it in git:

    settings.yaml            version, state, safety, policies
    roles.yaml               8 role templates (5 use ``extends``), Kuaishou native bindings
    schedules.yaml           4 schedules, Asia/Shanghai
    shops/<shop>.yaml        one shop per file, with its dispatch groups
    agents/batch-NNN.yaml    agents, 500 per file, in shop order

Every agent has exactly one account, on its own shop, so N shops x M agents gives N*M accounts.
The first agent of every shop is its shop-manager. Output is a pure function of the arguments.

``--mutate PERCENT`` also writes a variant (default ``OUT_DIR-mutated``) that differs from the base
in K = round(accounts * PERCENT / 100) accounts (at least 1):

* updates = K // 2 agents keep their account but change it: alternately the ``roles`` (to another
  role set, never shop-manager) and ``reception_limit`` (+10, or 50 where it was unset);
* deletes = K // 4 agents are removed from the config with their account;
* creates = K - updates - deletes new agents, each with one account on a random shop, written to
  ``agents/new-hires.yaml``.

Only active agents that are not shop-managers are updated or deleted, and new hires are active, so
on no-API shops each of the K accounts is exactly one (manual) account change in the plan. The plan
also updates the dispatch groups whose members changed, and may create a role on a shop where a
role set is first used. Files with no mutated agent are byte-identical to the base.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

AGENTS_PER_FILE = 500
NO_API_PLATFORMS = ("pinduoduo", "douyin", "jd")
API_PLATFORMS = ("tmall", "kuaishou")
API_SHOP_EVERY = 20  # with --api-platforms, every 20th shop is tmall or kuaishou (sandbox)
PLATFORM_SHORT = {
    "pinduoduo": "pdd",
    "douyin": "dy",
    "jd": "jd",
    "tmall": "tm",
    "kuaishou": "ks",
}
STORE_SUFFIX = {
    "pinduoduo": "官方店",
    "douyin": "抖音旗舰店",
    "jd": "京东自营店",
    "tmall": "官方旗舰店",
    "kuaishou": "快手小店",
}
BRANDS = (
    ("yunshang", "云裳"),
    ("lanxi", "兰溪"),
    ("mumu", "木木家居"),
    ("haitang", "海棠美妆"),
    ("qingshan", "青山茶业"),
    ("xiaoxiong", "小熊母婴"),
    ("beifeng", "北风户外"),
    ("jinhe", "金禾食品"),
    ("xingyao", "星耀数码"),
    ("baicao", "百草堂"),
    ("ziyan", "紫燕服饰"),
    ("dongpo", "东坡厨具"),
)
SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"),
    ("林", "lin"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"),
    ("潘", "pan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"), ("叶", "ye"),
    ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("吕", "lv"), ("丁", "ding"), ("沈", "shen"),
)  # fmt: skip
GIVEN = (
    ("明", "ming"), ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"),
    ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("超", "chao"), ("秀", "xiu"),
    ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("英", "ying"), ("华", "hua"), ("玉", "yu"),
    ("红", "hong"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"), ("晨", "chen"), ("欣", "xin"),
    ("怡", "yi"), ("佳", "jia"), ("浩", "hao"), ("宇", "yu"), ("涵", "han"), ("轩", "xuan"),
)  # fmt: skip
PHONE_PREFIXES = ("130", "131", "133", "135", "136", "138", "139", "150", "151", "152", "155",
                  "158", "159", "166", "177", "180", "186", "187", "188", "199")  # fmt: skip
NICK_STYLES = ("小{c}", "阿{c}", "{s}{c}", "客服{c}")

SETTINGS_YAML = """\
version: 1

settings:
  state: {backend: sqlite, path: .provisioner/state.db}
  safety: {max_delete_percent: 30, max_update_percent: 50, min_accounts: 10}
  policies:
    - name: cs-no-high-risk
      description: 客服角色不得拥有财务、商品编辑、子账号管理权限
      roles: ["*"]
      except_roles: [shop-manager]
      deny: ["finance.*", product.edit, subaccount.manage]
    - name: phone-bound
      require_agent_fields: [phone]
"""

# Nothing but shop-manager holds finance.*, product.edit or subaccount.manage (cs-no-high-risk),
# and nothing extends shop-manager.
ROLES_YAML = """\
roles:
  presales:
    description: 售前咨询
    permissions: [chat.reply, chat.transfer, quick_reply.manage, order.view, logistics.view,
      product.view]
    native:
      kuaishou: {roles: [客服]}
  presales-senior:
    description: 资深售前
    extends: [presales]
    permissions: [chat.history, order.note]
    native:
      kuaishou: {roles: [客服]}
  aftersales:
    description: 售后处理
    extends: [presales]
    permissions: [refund.view, refund.request, order.modify_status, order.note]
    native:
      kuaishou: {roles: [售后客服]}
  vip-care:
    description: 会员专属客服
    extends: [aftersales]
    permissions: [refund.approve, order.modify_price, chat.history]
    native:
      kuaishou: {roles: [售后客服]}
  logistics:
    description: 仓储发货
    permissions: [order.view, order.note, order.modify_address, logistics.view, logistics.ship]
    native:
      kuaishou: {roles: [运营]}
  cs-lead:
    description: 客服组长
    extends: [aftersales, presales-senior]
    permissions: [data.view, team.manage]
    native:
      kuaishou: {roles: [客服主管]}
  shop-manager:
    description: 店长
    extends: [cs-lead, logistics]
    permissions: [marketing.manage, product.edit, finance.view, shop.settings, subaccount.manage]
    native:
      tmall: {permission_codes: [sm-design]}
      kuaishou: {roles: [客服主管, 运营, 财务]}
  data-analyst:
    description: 数据分析
    permissions: [data.view, order.view, product.view, refund.view]
    native:
      kuaishou: {roles: [运营]}
"""

SCHEDULES_YAML = """\
schedules:
  daytime:
    timezone: Asia/Shanghai
    shifts:
      - {days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00"}
  early:
    timezone: Asia/Shanghai
    shifts:
      - {days: [mon, tue, wed, thu, fri, sat, sun], from: "08:00", to: "16:00"}
  late:
    timezone: Asia/Shanghai
    shifts:
      - {days: [mon, tue, wed, thu, fri, sat, sun], from: "16:00", to: "23:30"}
  weekend:
    timezone: Asia/Shanghai
    shifts:
      - {days: [sat, sun], from: "09:00", to: "21:00"}
      - {days: [fri], from: "18:00", to: "22:00"}
"""
SCHEDULES = ("daytime", "early", "late", "weekend")


@dataclass(frozen=True)
class RoleProfile:
    """How agents holding a role set fill in their account."""

    roles: tuple[str, ...]
    weight: int
    groups: tuple[str, ...] = ()
    dispatch: bool | None = None
    limits: tuple[int, ...] = ()


PROFILES = (
    RoleProfile(("presales",), 40, ("售前组",), True, (60, 80, 100, 120)),
    RoleProfile(("presales-senior",), 10, ("售前组",), True, (80, 100, 120)),
    RoleProfile(("aftersales",), 22, ("售后组",), True, (40, 50, 60, 80)),
    RoleProfile(("vip-care",), 5, ("售后组", "VIP组"), True, (30, 40, 50)),
    RoleProfile(("logistics",), 8),
    RoleProfile(("presales", "logistics"), 4, ("售前组",), True, (40, 60)),
    RoleProfile(("aftersales", "logistics"), 3, ("售后组",), True, (40, 60)),
    RoleProfile(("cs-lead",), 5, ("售前组", "售后组"), False, (20, 30)),
    RoleProfile(("data-analyst",), 3),
)
MANAGER = RoleProfile(("shop-manager",), 0)


@dataclass(frozen=True)
class Shop:
    id: str
    platform: str
    name: str
    groups: tuple[str, ...]
    main_account: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True)
class Account:
    shop: str
    nickname: str
    roles: tuple[str, ...]
    dispatch: bool | None = None
    reception_limit: int | None = None
    schedule: str | None = None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    phone: str
    status: str
    file: str  # the agents/ file that holds this agent
    accounts: tuple[Account, ...]


@dataclass(frozen=True)
class Config:
    shops: tuple[Shop, ...]
    agents: tuple[Agent, ...]

    @property
    def account_count(self) -> int:
        return sum(len(agent.accounts) for agent in self.agents)


@dataclass(frozen=True)
class Mutation:
    """What ``mutate`` changed: the expected plan of the mutated config against the base."""

    create: int
    update: int
    delete: int

    @property
    def total(self) -> int:
        return self.create + self.update + self.delete


class Names:
    """Unique agent ids and phones across the config, unique nicknames per shop."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.nicknames: dict[str, set[str]] = {}

    def reserve(self, config: Config) -> None:
        for agent in config.agents:
            self.ids.add(agent.id)
            self.phones.add(agent.phone)
            for account in agent.accounts:
                self.nicknames.setdefault(account.shop, set()).add(account.nickname)

    def person(self) -> tuple[str, str, str]:
        """Return (agent id, Chinese name, nickname base) for a new person."""
        surname, surname_py = self.rng.choice(SURNAMES)
        given = self.rng.sample(GIVEN, self.rng.choice((1, 2, 2)))
        given_cn = "".join(char for char, _ in given)
        agent_id = _unique(f"{surname_py}.{''.join(py for _, py in given)}", self.ids)
        style = self.rng.choice(NICK_STYLES)
        return agent_id, surname + given_cn, style.format(c=given_cn[-1], s=surname)

    def nickname(self, shop: str, base: str) -> str:
        return _unique(base, self.nicknames.setdefault(shop, set()))

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def build_config(
    shops: int, agents_per_shop: int, seed: int = 0, api_platforms: bool = False
) -> Config:
    """The base config: ``shops`` shops with ``agents_per_shop`` single-account agents each."""
    rng = random.Random(f"provisioner-bench:{seed}")
    names = Names(rng)
    shop_list = tuple(_make_shop(i, rng, api_platforms) for i in range(shops))
    agents = []
    for shop in shop_list:
        for j in range(agents_per_shop):
            profile = MANAGER if j == 0 else _pick_profile(rng)
            agents.append(_make_agent(names, shop, profile, _batch_file(len(agents))))
    return Config(shop_list, tuple(agents))


def _batch_file(index: int) -> str:
    return f"batch-{index // AGENTS_PER_FILE + 1:03d}"


def _platform(index: int, rng: random.Random, api_platforms: bool) -> str:
    if api_platforms and index % API_SHOP_EVERY == API_SHOP_EVERY - 1:
        return API_PLATFORMS[(index // API_SHOP_EVERY) % len(API_PLATFORMS)]
    return rng.choices(NO_API_PLATFORMS, weights=(40, 35, 25))[0]


def _make_shop(index: int, rng: random.Random, api_platforms: bool) -> Shop:
    platform = _platform(index, rng, api_platforms)
    brand, brand_cn = BRANDS[index % len(BRANDS)]
    number = index // len(BRANDS) + 1
    name = f"{brand_cn}{STORE_SUFFIX[platform]}{number}号"
    groups = ("售前组", "售后组", "VIP组") if rng.random() < 0.35 else ("售前组", "售后组")
    return Shop(
        id=f"{brand}-{PLATFORM_SHORT[platform]}-{index + 1:04d}",
        platform=platform,
        name=name,
        groups=groups,
        main_account=name if platform == "tmall" else None,
        endpoint="sandbox" if platform in API_PLATFORMS else None,
    )


def _pick_profile(rng: random.Random) -> RoleProfile:
    return rng.choices(PROFILES, weights=[p.weight for p in PROFILES])[0]


def _make_account(shop: Shop, nickname: str, profile: RoleProfile, rng: random.Random) -> Account:
    if not profile.limits:
        schedule = "daytime" if profile is not MANAGER else None
        return Account(shop.id, nickname, profile.roles, schedule=schedule)
    return Account(
        shop=shop.id,
        nickname=nickname,
        roles=profile.roles,
        dispatch=profile.dispatch,
        reception_limit=rng.choice(profile.limits),
        schedule=rng.choice(SCHEDULES),
        groups=tuple(g for g in profile.groups if g in shop.groups),
    )


def _make_agent(
    names: Names, shop: Shop, profile: RoleProfile, file: str, disabled_share: float = 0.02
) -> Agent:
    agent_id, name, nick_base = names.person()
    account = _make_account(shop, names.nickname(shop.id, nick_base), profile, names.rng)
    status = "disabled" if names.rng.random() < disabled_share else "active"
    return Agent(agent_id, name, names.phone(), status, file, (account,))


def mutate(config: Config, percent: float, seed: int = 0) -> tuple[Config, Mutation]:
    """A variant of ``config`` differing in ``percent``% of its accounts (see module docstring)."""
    rng = random.Random(f"provisioner-bench:{seed}:mutate:{percent}")
    counts = mutation_counts(config.account_count, percent)
    candidates = [i for i, agent in enumerate(config.agents) if _mutable(agent)]
    if counts.update + counts.delete > len(candidates):
        raise ValueError(f"cannot mutate {percent}% of {config.account_count} accounts")
    picked = rng.sample(candidates, counts.update + counts.delete)
    updates, deletes = picked[: counts.update], set(picked[counts.update :])
    agents = list(config.agents)
    for n, index in enumerate(updates):
        agents[index] = _update_agent(agents[index], rng, change_roles=n % 2 == 0)
    kept = [agent for i, agent in enumerate(agents) if i not in deletes]
    kept.extend(_new_hires(config, rng, counts.create))
    return Config(config.shops, tuple(kept)), counts


def _mutable(agent: Agent) -> bool:
    return agent.status == "active" and agent.accounts[0].roles != MANAGER.roles


def mutation_counts(accounts: int, percent: float) -> Mutation:
    total = max(1, round(accounts * percent / 100)) if percent > 0 else 0
    update, delete = total // 2, total // 4
    return Mutation(create=total - update - delete, update=update, delete=delete)


def _update_agent(agent: Agent, rng: random.Random, change_roles: bool) -> Agent:
    account = agent.accounts[0]
    if change_roles:
        choices = [p.roles for p in PROFILES if p.roles != account.roles]
        changed = replace(account, roles=rng.choice(choices))
    else:
        changed = replace(account, reception_limit=(account.reception_limit or 40) + 10)
    return replace(agent, accounts=(changed,))


def _new_hires(config: Config, rng: random.Random, count: int) -> Iterator[Agent]:
    names = Names(rng)
    names.reserve(config)
    for _ in range(count):
        shop = rng.choice(config.shops)
        yield _make_agent(names, shop, _pick_profile(rng), "new-hires", disabled_share=0)


# --- YAML emission: hand-written so the layout is what a person would write (flow lists,
# quoted phones and times) and 50,000 agents emit in about a second.


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def shop_yaml(shop: Shop) -> str:
    lines = ["shops:", f"  {shop.id}:", f"    platform: {shop.platform}", f"    name: {shop.name}"]
    if shop.main_account:
        lines.append(f"    main_account: {shop.main_account}")
    if shop.endpoint:
        lines.append(f"    endpoint: {shop.endpoint}")
    lines += ["    unmanaged: report", "    protected: [店长]", "    groups:"]
    descriptions = {"售前组": "售前咨询", "售后组": "售后处理", "VIP组": "会员专属"}
    lines += [f"      {g}: {{description: {descriptions[g]}}}" for g in shop.groups]
    return "\n".join(lines) + "\n"


def _account_lines(account: Account) -> list[str]:
    lines = [
        f"      - shop: {account.shop}",
        f"        nickname: {account.nickname}",
        f"        roles: {_flow(account.roles)}",
    ]
    if account.dispatch is not None:
        lines.append(f"        dispatch: {str(account.dispatch).lower()}")
    if account.reception_limit is not None:
        lines.append(f"        reception_limit: {account.reception_limit}")
    if account.schedule:
        lines.append(f"        schedule: {account.schedule}")
    if account.groups:
        lines.append(f"        groups: {_flow(account.groups)}")
    return lines


def _agent_lines(agent: Agent) -> list[str]:
    lines = [
        f"  {agent.id}:",
        f"    name: {agent.name}",
        f"    phone: {_q(agent.phone)}",
        f"    status: {agent.status}",
        "    accounts:",
    ]
    for account in agent.accounts:
        lines += _account_lines(account)
    return lines


def agents_yaml(agents: Sequence[Agent]) -> str:
    lines = ["agents:"]
    for agent in agents:
        lines += _agent_lines(agent)
    return "\n".join(lines) + "\n"


def config_files(config: Config) -> dict[str, str]:
    """Relative path -> file text for the whole config directory."""
    files = {
        "settings.yaml": SETTINGS_YAML,
        "roles.yaml": ROLES_YAML,
        "schedules.yaml": SCHEDULES_YAML,
    }
    files.update({f"shops/{shop.id}.yaml": shop_yaml(shop) for shop in config.shops})
    by_file: dict[str, list[Agent]] = {}
    for agent in config.agents:
        by_file.setdefault(agent.file, []).append(agent)
    files.update({f"agents/{name}.yaml": agents_yaml(group) for name, group in by_file.items()})
    return files


def write_tree(files: dict[str, str], out_dir: Path) -> None:
    """Write ``files`` under ``out_dir``, which must not exist or be empty."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    for relative, text in files.items():
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generate(
    out_dir: Path,
    shops: int,
    agents_per_shop: int,
    seed: int = 0,
    *,
    api_platforms: bool = False,
    mutate_percent: float | None = None,
    mutated_out: Path | None = None,
) -> Mutation | None:
    """Write the base config to ``out_dir`` and, if asked, the mutated variant beside it."""
    config = build_config(shops, agents_per_shop, seed, api_platforms)
    write_tree(config_files(config), out_dir)
    if mutate_percent is None:
        return None
    variant, mutation = mutate(config, mutate_percent, seed)
    write_tree(config_files(variant), mutated_out or default_mutated_dir(out_dir))
    return mutation


def default_mutated_dir(out_dir: Path) -> Path:
    return out_dir.with_name(out_dir.name + "-mutated")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--shops", type=int, required=True)
    parser.add_argument("--agents-per-shop", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--api-platforms",
        action="store_true",
        help=f"make every {API_SHOP_EVERY}th shop tmall or kuaishou (endpoint: sandbox)",
    )
    parser.add_argument("--mutate", type=float, metavar="PERCENT", help="also write a variant")
    parser.add_argument("--mutated-out", type=Path, help="default: OUT_DIR-mutated")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    generate(
        args.out_dir,
        args.shops,
        args.agents_per_shop,
        args.seed,
        api_platforms=args.api_platforms,
        mutate_percent=args.mutate,
        mutated_out=args.mutated_out,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
