"""Free text recognised by content: the statutory dishonest situations and the performance
wording of court lists, as real lists spell them (DOMAIN.md §2.3, §8).

Each parser gives the canonical value, or null when the text names none; the validator keeps
such a row valid with a warning (the text's category is unknown), never quarantines it.
"""

from __future__ import annotations

from typing import Final

import polars as pl

DISHONEST_CONDUCT: Final = (
    "有履行能力而拒不履行生效法律文书确定义务",
    "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
    "违反财产报告制度",
    "违反限制消费令",
    "无正当理由拒不履行执行和解协议",
)
"""The six situations of SPC rules Art. 1 (一)-(六) (DOMAIN.md §2.3)."""

_NUMERALS: Final = "一二三四五六"
# Words each situation is written with in real lists (with or without a trailing 的, a leading
# 其他 or 被执行人, numbering); an item may also be only its number, e.g. "(四)".
_WORDS: Final = (
    "履行能力|能力履行|生效法律文书确定",
    "妨碍|抗拒执行|伪造证据|暴力|威胁",
    "规避执行|虚假诉讼|虚假仲裁|隐匿|转移财产",
    "财产报告|报告财产",
    "限制消费|消费令|高消费",
    "和解协议",
)

PERFORMANCE: Final = ("全部未履行", "部分未履行", "部分履行", "全部履行")
"""Performance values of the SPC list (DOMAIN.md §2.3): the real spellings map onto these."""

_PERFORMANCE_WORDS: Final = (
    ("部分未履行", "部分未履行|部分未执行"),
    ("部分履行", "部分履行|部分执行|已履行部分|履行部分"),
    ("全部未履行", "未履行|未执行|没有履行|拒不履行"),
    ("全部履行", "全部履行|履行完毕|已履行|执行完毕|全部执行"),
)


def conduct_expr(text: pl.Expr) -> pl.Expr:
    """The statutory situations a text names, comma-joined in the order of Art. 1; null when
    it names none. Several situations may be joined by commas or 、.

    Example:
        >>> t = pl.Series("t", ["违反财产报告制度的,其他有履行能力而拒不履行生效法律文书确定义务",
        ...                     "(五)", "逃避执行"])
        >>> t.to_frame().select(conduct_expr(pl.col("t")))["t"].to_list()[1:]
        ['违反限制消费令', None]
    """
    hits = [
        pl.when(text.str.contains(f"{words}|[(（]{_NUMERALS[i]}[)）]")).then(pl.lit(name))
        for i, (name, words) in enumerate(zip(DISHONEST_CONDUCT, _WORDS, strict=True))
    ]
    joined = pl.concat_list(hits).list.drop_nulls().list.join(",")
    return pl.when(joined != "").then(joined)


def performance_expr(text: pl.Expr) -> pl.Expr:
    """The performance value a text states (``部分履行``, ``全部未履行``, ...); null when none.

    Example:
        >>> t = pl.Series("t", ["全部未履行", "部分履行", "已全部履行", "不详"])
        >>> t.to_frame().select(performance_expr(pl.col("t")))["t"].to_list()
        ['全部未履行', '部分履行', '全部履行', None]
    """
    (a, wa), (b, wb), (c, wc), (d, wd) = _PERFORMANCE_WORDS
    return (
        pl.when(text.str.contains(wa))
        .then(pl.lit(a))
        .when(text.str.contains(wb))
        .then(pl.lit(b))
        .when(text.str.contains(wc))
        .then(pl.lit(c))
        .when(text.str.contains(wd))
        .then(pl.lit(d))
    )
