"""Free text recognised by content: the statutory dishonest situations and the performance
wording of court lists, as real lists spell them (docs/domain.md §2.3, §8).

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
"""The six situations of SPC rules Art. 1 (一)-(六) (docs/domain.md §2.3)."""

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
"""Performance values of the SPC list (docs/domain.md §2.3): the real spellings map onto these."""

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
    return _named_like(text, pl.when(joined != "").then(joined))


def performance_expr(text: pl.Expr) -> pl.Expr:
    """The performance value a text states (``部分履行``, ``全部未履行``, ...); null when none.

    Example:
        >>> t = pl.Series("t", ["全部未履行", "部分履行", "已全部履行", "不详"])
        >>> t.to_frame().select(performance_expr(pl.col("t")))["t"].to_list()
        ['全部未履行', '部分履行', '全部履行', None]
    """
    (a, wa), (b, wb), (c, wc), (d, wd) = _PERFORMANCE_WORDS
    return _named_like(
        text,
        pl.when(text.str.contains(wa))
        .then(pl.lit(a))
        .when(text.str.contains(wb))
        .then(pl.lit(b))
        .when(text.str.contains(wc))
        .then(pl.lit(c))
        .when(text.str.contains(wd))
        .then(pl.lit(d)),
    )


_CN_DIGITS: Final = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                     "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_D: Final = "[一二两三四五六七八九]"
# Below 10,000: 千, 百, 十 (a bare 十 is ten), units; 零 between them.
_SMALL: Final = rf"(?:({_D})千)?零?(?:({_D})百)?零?(?:({_D})?(十))?({_D})?"
_FINE_CN: Final = rf"罚款(?:人民币)?[:：]?(?:{_SMALL}(万))?{_SMALL}元"
_FINE_ARABIC: Final = r"罚款(?:人民币)?[:：]?([0-9][0-9,]*(?:\.[0-9]+)?)(万)?元"


def _small(parts: pl.Expr, first: int) -> pl.Expr:
    def digit(i: int) -> pl.Expr:
        return parts.struct.field(str(first + i)).replace_strict(
            _CN_DIGITS, default=None, return_dtype=pl.Int64
        )

    ten = pl.when(parts.struct.field(str(first + 3)).is_not_null()).then(digit(2).fill_null(1))
    return (
        digit(0).fill_null(0) * 1000
        + digit(1).fill_null(0) * 100
        + ten.otherwise(0) * 10
        + digit(4).fill_null(0)
    )


def _fines(text: pl.Series) -> pl.Series:
    t = pl.col("t")
    arabic = t.str.extract_groups(_FINE_ARABIC)
    number = arabic.struct.field("1").str.replace_all(",", "").str.to_decimal(scale=2)
    arabic_yuan = pl.when(arabic.struct.field("2").is_not_null()).then(number * 10_000)
    cn = t.str.extract_groups(_FINE_CN)
    wan = pl.when(cn.struct.field("6").is_not_null()).then(_small(cn, 1)).otherwise(0)
    cn_yuan = wan * 10_000 + _small(cn, 7)
    cn_value = pl.when(t.str.contains(_FINE_CN) & (cn_yuan > 0)).then(cn_yuan)
    return (
        pl.DataFrame({"t": text})
        .select(
            pl.coalesce(
                arabic_yuan.otherwise(number),
                cn_value.cast(pl.Decimal(38, 2)),
            ).cast(pl.Decimal(38, 2))
        )
        .to_series()
    )


def fine_in_text(given: pl.Expr, text: pl.Expr) -> pl.Expr:
    """A fine (yuan) stated in a text column (``罚款10000元``, ``罚款:7.5万元``,
    ``罚款三十五万元``), for the rows where ``given`` (the fine column) is null; null elsewhere
    and where the text states none (docs/domain.md §8). Only those rows' texts are searched.

    Example:
        >>> df = pl.DataFrame({"f": [None, None, 5], "t": ["罚款三十五万元", "警告", "罚款5元"]})
        >>> df.select(fine_in_text(pl.col("f"), pl.col("t")))["t"].to_list()
        [Decimal('350000.00'), None, None]
    """

    def search(both: pl.Series) -> pl.Series:
        out = pl.Series(both.name, [], dtype=pl.Decimal(38, 2)).extend_constant(None, len(both))
        blank = both.struct.field("missing").fill_null(False).arg_true()
        texts = both.struct.field("text").gather(blank)
        fined = texts.str.contains("罚款", literal=True).fill_null(False)
        rows = blank.filter(fined)
        if len(rows) == 0:
            return out
        return out.scatter(rows, _fines(texts.filter(fined).str.normalize("NFKC")))

    both = pl.struct(given.is_null().alias("missing"), text.cast(pl.String).alias("text"))
    out = both.map_batches(search, return_dtype=pl.Decimal(38, 2), is_elementwise=True)
    return _named_like(text, out)


def _named_like(text: pl.Expr, out: pl.Expr) -> pl.Expr:
    """Name the result after its input, as Polars' own string methods do."""
    name = text.meta.output_name(raise_if_undetermined=False)
    return out if name is None else out.alias(name)
