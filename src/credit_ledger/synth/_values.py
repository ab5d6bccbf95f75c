"""Column values as Polars Series: names, dates, money, and the harmless mess of real exports.

Everything here is vectorised: a function takes a :class:`~credit_ledger.synth._rng.Rng` and a
row count (or Series) and returns whole columns. All text is GBK-encodable.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from credit_ledger.synth._rng import Rng, apply_at, cat, patch, transform_at

#: The last day any generated event may fall on (validity ends may be later).
END = date(2025, 12, 31)
_EPOCH = date(1970, 1, 1)

SURNAMES = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武"
    "乔贺赖龚文"
)
_MALE = tuple(
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林峰建国志海文东博晨阳成亮振毅"
)
_FEMALE = tuple("芳娜敏静丽艳娟霞秀英玲桂兰红梅琳燕萍雪慧莉婷倩颖洁佳欣月晶妍璐琪悦蕾瑶")
_BRAND = tuple(
    "华鑫盛泰恒宏瑞丰源德金达隆昌兴晟博凯天宇新益佳美永安顺祥和信诚远航嘉汇通利聚鼎正中冀润森海峰明"
    "辉宸骏豪腾康福鸿卓越启翔睿邦智思"
)
_TRADES = (
    "商贸", "餐饮管理", "科技", "建材", "物流", "食品", "装饰工程", "信息技术", "医药",
    "汽车服务", "建筑工程", "电子科技", "文化传媒", "房地产经纪", "物业服务", "教育咨询",
    "环保科技", "机械设备", "服装", "广告",
)  # fmt: skip
_SHOPS = (
    "小吃店", "便利店", "理发店", "五金店", "超市", "烟酒店", "水果店", "服装店", "饭店", "面馆",
    "日用品店", "手机维修部", "干洗店", "茶叶店", "早餐店", "美容店", "汽车修理部", "副食店",
)  # fmt: skip
_COOPS = ("蔬菜种植", "果品", "养殖", "农机服务", "花卉种植")
_SOCIAL_51 = ("个体劳动者协会", "餐饮行业协会", "书法家协会", "老年人体育协会", "商会", "物流协会")
_SOCIAL_52 = ("培训学校", "养老院", "幼儿园", "社会工作服务中心", "康复中心")

FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in [*range(0x30, 0x3A), *range(0x41, 0x5B)]}


def to_date(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - _EPOCH).days


def dates_between(rng: Rng, n: int, start: date, end: date) -> pl.Series:
    """``n`` dates uniform in ``[start, end]``."""
    days = rng.integers(to_date(start), to_date(end) + 1, n)
    return days.cast(pl.Int32).cast(pl.Date).rename("d")


def add_days(d: pl.Series, days: pl.Series | int) -> pl.Series:
    """``d`` plus ``days`` (a Series or a constant)."""
    delta = days if isinstance(days, int) else days.cast(pl.Int32)
    return (d.cast(pl.Int32) + delta).cast(pl.Date)


def clip_end(d: pl.Series, end: date = END) -> pl.Series:
    """Dates after ``end`` become null (the event has not happened yet)."""
    return pl.select(pl.when(d <= end).then(d)).to_series().rename(d.name)


def fmt_dates(d: pl.Series, rng: Rng, messy: float = 0.3) -> pl.Series:
    """Dates as text: ``YYYY-MM-DD``; a share ``messy`` as ``YYYYMMDD`` or ``YYYY年MM月DD日``."""
    style = rng.categories([1 - messy, messy / 2, messy / 2], len(d))
    iso = d.dt.strftime("%Y-%m-%d").rename("d")
    iso = patch(iso, style == 1, lambda idx: d.gather(idx).dt.strftime("%Y%m%d"))
    return patch(iso, style == 2, lambda idx: d.gather(idx).dt.strftime("%Y年%m月%d日"))


def lognormal_cents(
    rng: Rng, n: int, median_yuan: float | pl.Series, sigma: float = 1.0, step_yuan: int = 1
) -> pl.Series:
    """Amounts in cents, log-normal around ``median_yuan`` (a constant or one per row), rounded
    to ``step_yuan`` (at least one step)."""
    yuan = (rng.normal(n) * sigma).exp() * median_yuan
    steps = (yuan / step_yuan).round().cast(pl.Int64).clip(lower_bound=1)
    return steps * (step_yuan * 100)


def money(cents: pl.Series, rng: Rng) -> pl.Series:
    """Yuan amounts as text, ``123456.78``; whole amounts sometimes without ``.00``."""
    whole = (cents // 100).cast(pl.String)
    full = cat(whole, ".", (cents % 100).cast(pl.String).str.zfill(2))
    short = (cents % 100 == 0) & rng.bernoulli(0.5, len(cents))
    return apply_at(full, short, whole).rename("money")


def person_names(rng: Rng, male: pl.Series) -> pl.Series:
    """Chinese personal names (surname + one or two given-name characters) matching ``male``."""
    n = len(male)
    weights = [4.0 if i < 10 else 1.0 for i in range(len(SURNAMES))]  # 王李张刘陈… are common
    surname = rng.choice(SURNAMES, n, weights)

    def given() -> pl.Series:
        m, f = rng.choice(_MALE, n), rng.choice(_FEMALE, n)
        return pl.select(pl.when(male).then(m).otherwise(f)).to_series()

    first, second = given(), given()
    two = rng.bernoulli(0.7, n)
    full = pl.when(two).then(cat(surname, first, second)).otherwise(cat(surname, first))
    return pl.select(full).to_series().rename("name")


def brands(rng: Rng, n: int) -> pl.Series:
    """Two-character trade names (字号)."""
    return cat(rng.choice(_BRAND, n), rng.choice(_BRAND, n))


def enterprise_names(rng: Rng, n: int) -> pl.Series:
    """Company names such as ``石家庄市新华区鑫盛商贸有限公司``."""
    place = rng.choice(("石家庄市新华区", "石家庄", "河北"), n, (0.3, 0.45, 0.25))
    suffix = rng.choice(("有限公司", "有限责任公司", "股份有限公司"), n, (0.8, 0.15, 0.05))
    return cat(place, brands(rng, n), rng.choice(_TRADES, n), suffix)


def shop_names(rng: Rng, n: int) -> pl.Series:
    """Individual-business names such as ``石家庄市新华区张记小吃店``."""
    owner = pl.select(
        pl.when(rng.bernoulli(0.5, n))
        .then(cat(rng.choice(SURNAMES, n), rng.choice(("记", "氏", "家"), n)))
        .otherwise(brands(rng, n))
    ).to_series()
    return cat("石家庄市新华区", owner, rng.choice(_SHOPS, n))


def coop_names(rng: Rng, n: int) -> pl.Series:
    """Farmers' cooperative names."""
    return cat("石家庄市新华区", brands(rng, n), rng.choice(_COOPS, n), "专业合作社")


def social_org_names(rng: Rng, prefix: pl.Series) -> pl.Series:
    """Social organisation names for USCC prefixes 51 (association), 52 (private non-enterprise),
    53 (foundation)."""
    n = len(prefix)
    assoc = cat("石家庄市新华区", rng.choice(_SOCIAL_51, n))
    nonent = cat("石家庄市新华区", brands(rng, n), rng.choice(_SOCIAL_52, n))
    found = cat("河北省", brands(rng, n), rng.choice(("慈善基金会", "公益基金会"), n))
    return pl.select(
        pl.when(prefix == "51").then(assoc).when(prefix == "52").then(nonent).otherwise(found)
    ).to_series()


def full_width(s: pl.Series) -> pl.Series:
    """ASCII digits and capitals folded to their full-width forms (``9113…`` → ``９１１３…``)."""
    return s.str.replace_many(list(FULL_WIDTH), list(FULL_WIDTH.values()))


def code_noise(s: pl.Series, rng: Rng, rate: float) -> pl.Series:
    """Codes as clerks type them: a share ``rate`` lower-cased, full-width or space-padded."""
    kind = rng.categories([1 - rate, rate * 0.4, rate * 0.3, rate * 0.3], len(s))
    s = transform_at(s, kind == 1, lambda x: x.str.to_lowercase())
    s = transform_at(s, kind == 2, full_width)
    return transform_at(s, kind == 3, lambda x: cat(" ", x, " "))


def text_noise(s: pl.Series, rng: Rng, rate: float) -> pl.Series:
    """Text with a share ``rate`` carrying leading and/or trailing spaces."""
    kind = rng.categories([1 - rate, rate / 3, rate / 3, rate / 3], len(s))
    s = transform_at(s, kind == 1, lambda x: cat(" ", x))
    s = transform_at(s, kind == 2, lambda x: cat(x, "  "))
    return transform_at(s, kind == 3, lambda x: cat(" ", x, " "))


def blank_out(s: pl.Series, missing: pl.Series, rng: Rng) -> pl.Series:
    """``s`` with the ``missing`` rows emptied: half as ``""``, half as null."""
    empty = rng.bernoulli(0.5, len(s))
    s = apply_at(s, missing & empty, "")
    return apply_at(s, missing & ~empty, None)


def optional(s: pl.Series, rng: Rng, present: float) -> pl.Series:
    """``s`` kept in a share ``present`` of rows and emptied (``""`` or null) elsewhere."""
    return blank_out(s, ~rng.bernoulli(present, len(s)), rng)
