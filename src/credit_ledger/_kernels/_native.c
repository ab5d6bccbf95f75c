/* Compiled kernels over Arrow string views (what Polars' String columns are).
 *
 * Each function reads one chunk of a string-view array: the 16-byte views, the variadic data
 * buffers and the validity bitmap, given as addresses by credit_ledger._kernels (which keeps
 * the array alive for the call). Results go to caller-allocated numpy arrays, one entry per
 * row. The GIL is released while a chunk is scanned, so Polars runs the kernels of several
 * columns at once.
 *
 * The numpy kernels in credit_ledger/_kernels/_numpy.py compute the same results, used when
 * this module could not be built; tests check both against plain Polars expressions.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const uint8_t *views;
    const uint8_t *const *data;
    const uint8_t *validity; /* NULL: no nulls */
    Py_ssize_t offset;
    Py_ssize_t length;
} Strings;

static inline int is_valid(const Strings *s, Py_ssize_t i) {
    if (s->validity == NULL) return 1;
    Py_ssize_t j = s->offset + i;
    return (s->validity[j >> 3] >> (j & 7)) & 1;
}

/* The bytes of row i and their number. */
static inline const uint8_t *value(const Strings *s, Py_ssize_t i, int32_t *len) {
    const uint8_t *view = s->views + 16 * (s->offset + i);
    int32_t n;
    memcpy(&n, view, 4);
    *len = n;
    if (n <= 12) return view + 4;
    uint32_t buffer, start;
    memcpy(&buffer, view + 8, 4);
    memcpy(&start, view + 12, 4);
    return s->data[buffer] + start;
}

/* views, data (address of a uint64 array of buffer addresses), validity (0: none), offset,
 * length, then the function's own arguments. */
#define STRINGS_FORMAT "KKKnn"
#define STRINGS_ARGS(s, views, data, validity) \
    (s).views = (const uint8_t *)(uintptr_t)(views); \
    (s).data = (const uint8_t *const *)(uintptr_t)(data); \
    (s).validity = (const uint8_t *)(uintptr_t)(validity)

/* ------------------------------------------------------------------ text inspection */

enum {
    EMPTY = 1,       /* zero bytes */
    EDGE_SPACE = 2,  /* starts or ends with white space (Unicode White_Space) */
    WIDE = 4,        /* holds U+FF00-U+FF7F or U+3000 */
    REPLACEMENT = 8, /* holds U+FFFD */
    UNCLEAN = 16,    /* holds a byte other than 0-9, A-Z and '*' */
    NON_ASCII = 32   /* holds a byte of 0x80 or more */
};

static inline int ascii_space(uint8_t b) { return b == 0x20 || (b >= 0x09 && b <= 0x0D); }

/* Whether the 3-byte sequence a b c is a white-space character. */
static inline int space3(uint8_t a, uint8_t b, uint8_t c) {
    if (a == 0xE1) return b == 0x9A && c == 0x80;                        /* U+1680 */
    if (a == 0xE2 && b == 0x80)
        return c <= 0x8A || c == 0xA8 || c == 0xA9 || c == 0xAF;         /* U+2000-200A, 2028/9, 202F */
    if (a == 0xE2) return b == 0x81 && c == 0x9F;                        /* U+205F */
    return a == 0xE3 && b == 0x80 && c == 0x80;                          /* U+3000 */
}

static inline int space2(uint8_t a, uint8_t b) { return a == 0xC2 && (b == 0x85 || b == 0xA0); }

static uint8_t edge_space(const uint8_t *p, int32_t n) {
    if (ascii_space(p[0]) || ascii_space(p[n - 1])) return EDGE_SPACE;
    if (n >= 2 && (space2(p[0], p[1]) || space2(p[n - 2], p[n - 1]))) return EDGE_SPACE;
    if (n >= 3 && (space3(p[0], p[1], p[2]) || space3(p[n - 3], p[n - 2], p[n - 1])))
        return EDGE_SPACE;
    return 0;
}

enum { NOT_CODE = 1, LEAD_EF = 2, LEAD_E3 = 4, HIGH = 8 };
static uint8_t byte_class[256];

static void init_byte_class(void) {
    for (int b = 0; b < 256; b++) {
        int code = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || b == '*';
        byte_class[b] = (uint8_t)((code ? 0 : NOT_CODE) | (b == 0xEF ? LEAD_EF : 0) |
                                  (b == 0xE3 ? LEAD_E3 : 0) | (b >= 0x80 ? HIGH : 0));
    }
}

static inline uint8_t not_code(uint8_t b) {
    return ((uint8_t)(b - '0') > 9) & ((uint8_t)(b - 'A') > 25) & (b != '*');
}

/* WIDE (EF BC xx, EF BD xx, E3 80 80), REPLACEMENT (EF BF BD), UNCLEAN and NON_ASCII of a long value,
 * in branch-free byte tests, which the compiler turns into SIMD. */
static uint8_t long_scan(const uint8_t *p, int32_t n) {
    uint8_t wide = 0, replacement = 0, unclean = 0, high = 0;
    int32_t k = 0;
    for (; k + 2 < n; k++) {
        uint8_t a = p[k], b = p[k + 1], c = p[k + 2];
        wide |= ((a == 0xEF) & ((b & 0xFE) == 0xBC)) | ((a == 0xE3) & (b == 0x80) & (c == 0x80));
        replacement |= (a == 0xEF) & (b == 0xBF) & (c == 0xBD);
        unclean |= not_code(a);
        high |= a >> 7;
    }
    for (; k < n; k++) {
        unclean |= not_code(p[k]);
        high |= p[k] >> 7;
        if (k + 1 < n) wide |= (p[k] == 0xEF) & ((p[k + 1] & 0xFE) == 0xBC);
    }
    return (wide ? WIDE : 0) | (replacement ? REPLACEMENT : 0) | (unclean ? UNCLEAN : 0) |
           (high ? NON_ASCII : 0);
}

/* WIDE or REPLACEMENT where a sequence starts at q, with m bytes left. */
static inline uint8_t sequence_at(const uint8_t *q, int32_t m) {
    if (m < 2) return 0;
    if (q[0] == 0xEF) {
        if ((q[1] & 0xFE) == 0xBC) return WIDE;
        return m >= 3 && q[1] == 0xBF && q[2] == 0xBD ? REPLACEMENT : 0;
    }
    return m >= 3 && q[1] == 0x80 && q[2] == 0x80 ? WIDE : 0; /* E3 80 80 */
}

/* Every flag but EMPTY, of a value of n > 0 bytes. */
static uint8_t scan(const uint8_t *p, int32_t n) {
    if (n >= 48) return edge_space(p, n) | long_scan(p, n);
    /* Short values: a table look-up per byte (four accumulators, so the look-ups do not wait
     * on each other), then the sequences where an EF or E3 byte was seen. */
    uint8_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        c0 |= byte_class[p[k]];
        c1 |= byte_class[p[k + 1]];
        c2 |= byte_class[p[k + 2]];
        c3 |= byte_class[p[k + 3]];
    }
    for (; k < n; k++) c0 |= byte_class[p[k]];
    uint8_t seen = c0 | c1 | c2 | c3;
    uint8_t flags = edge_space(p, n) | ((seen & NOT_CODE) ? UNCLEAN : 0) |
                    ((seen & HIGH) ? NON_ASCII : 0);
    if (seen & (LEAD_EF | LEAD_E3)) {
        for (k = 0; k < n; k++)
            if (byte_class[p[k]] & (LEAD_EF | LEAD_E3)) flags |= sequence_at(p + k, n - k);
    }
    return flags;
}

static void text_flags_chunk(const Strings *s, uint8_t *out) {
    for (Py_ssize_t i = 0; i < s->length; i++) {
        if (!is_valid(s, i)) {
            out[i] = 0;
            continue;
        }
        int32_t n;
        const uint8_t *p = value(s, i, &n);
        out[i] = n == 0 ? EMPTY : scan(p, n);
    }
}

static PyObject *text_flags(PyObject *self, PyObject *args) {
    unsigned long long views, data, validity, out;
    Strings s;
    if (!PyArg_ParseTuple(args, STRINGS_FORMAT "K", &views, &data, &validity, &s.offset,
                          &s.length, &out))
        return NULL;
    STRINGS_ARGS(s, views, data, validity);
    Py_BEGIN_ALLOW_THREADS
    text_flags_chunk(&s, (uint8_t *)(uintptr_t)out);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ identifiers */

static int8_t uscc_value[256], latin_value[256];
static const int8_t uscc_weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
static const int8_t org_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
static const char org_checks[] = "0123456789X0"; /* index 11 - S % 11, 1..11 */
static const int8_t ric_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char ric_checks[] = "10X98765432";

static void init_identifier_tables(void) {
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    memset(uscc_value, -1, sizeof uscc_value);
    memset(latin_value, -1, sizeof latin_value);
    for (int i = 0; alphabet[i]; i++) uscc_value[(uint8_t)alphabet[i]] = (int8_t)i;
    for (int c = '0'; c <= '9'; c++) latin_value[c] = (int8_t)(c - '0');
    for (int c = 'A'; c <= 'Z'; c++) latin_value[c] = (int8_t)(c - 55);
}

static inline int is_digit(uint8_t b) { return b >= '0' && b <= '9'; }

static inline int uscc_first(uint8_t b) {
    return (b >= '1' && b <= '9') || b == 'A' || b == 'N' || b == 'Y';
}

/* level: 0 format, 1 checksum (GB 32100), 2 strict (also GB 11714 on the organisation code). */
static uint8_t uscc_one(const uint8_t *p, int level) {
    if (!uscc_first(p[0])) return 0;
    for (int k = 1; k < 8; k++)
        if (!is_digit(p[k])) return 0;
    for (int k = 8; k < 18; k++)
        if (uscc_value[p[k]] < 0) return 0;
    if (level == 0) return 1;
    int sum = 0;
    for (int k = 0; k < 17; k++) sum += uscc_value[p[k]] * uscc_weights[k];
    if ((31 - sum % 31) % 31 != uscc_value[p[17]]) return 0;
    if (level == 1) return 1;
    sum = 0;
    for (int k = 0; k < 8; k++) sum += latin_value[p[8 + k]] * org_weights[k];
    return org_checks[11 - sum % 11] == p[16];
}

static const int8_t month_length[2][14] = {
    {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
    {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
};

static inline int leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

static inline int day_exists(int year, int month, int day) {
    return month >= 1 && month <= 12 && day >= 1 && day <= month_length[leap(year)][month];
}

static inline int number(const uint8_t *p, int n) {
    int v = 0;
    for (int k = 0; k < n; k++) v = v * 10 + (p[k] - '0');
    return v;
}

static uint8_t ric_one(const uint8_t *p) {
    for (int k = 0; k < 17; k++)
        if (!is_digit(p[k])) return 0;
    if (!is_digit(p[17]) && p[17] != 'X') return 0;
    int year = number(p + 6, 4);
    if (year < 1900 || year > 2099 || !day_exists(year, number(p + 10, 2), number(p + 12, 2)))
        return 0;
    int sum = 0;
    for (int k = 0; k < 17; k++) sum += (p[k] - '0') * ric_weights[k];
    return ric_checks[sum % 11] == p[17];
}

/* out[i] = 1 where row i is exactly 18 bytes and passes; 0 elsewhere (nulls included). */
static void identifiers_chunk(const Strings *s, int kind, uint8_t *out) {
    for (Py_ssize_t i = 0; i < s->length; i++) {
        int32_t n = 0;
        const uint8_t *p = is_valid(s, i) ? value(s, i, &n) : NULL;
        if (n != 18) {
            out[i] = 0;
            continue;
        }
        out[i] = kind == 3 ? ric_one(p) : uscc_one(p, kind);
    }
}

static PyObject *identifiers(PyObject *self, PyObject *args) {
    unsigned long long views, data, validity, out;
    int kind;
    Strings s;
    if (!PyArg_ParseTuple(args, STRINGS_FORMAT "iK", &views, &data, &validity, &s.offset,
                          &s.length, &kind, &out))
        return NULL;
    if (kind < 0 || kind > 3) {
        PyErr_SetString(PyExc_ValueError, "kind must be 0-2 (USCC level) or 3 (ID number)");
        return NULL;
    }
    STRINGS_ARGS(s, views, data, validity);
    Py_BEGIN_ALLOW_THREADS
    identifiers_chunk(&s, kind, (uint8_t *)(uintptr_t)out);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ dates */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int32_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static const uint8_t YEAR_MARK[3] = {0xE5, 0xB9, 0xB4};  /* 年 */
static const uint8_t MONTH_MARK[3] = {0xE6, 0x9C, 0x88}; /* 月 */
static const uint8_t DAY_MARK[3] = {0xE6, 0x97, 0xA5};   /* 日 */

static int all_digits(const uint8_t *p, int n) {
    for (int k = 0; k < n; k++)
        if (!is_digit(p[k])) return 0;
    return 1;
}

/* YYYY-MM-DD, YYYYMMDD or YYYY年MM月DD日: 1 and the day number, or 0. */
static int parse_date(const uint8_t *p, int32_t n, int32_t *days) {
    int year, month, day;
    if (n == 10) {
        if (!all_digits(p, 4) || p[4] != '-' || !all_digits(p + 5, 2) || p[7] != '-' ||
            !all_digits(p + 8, 2))
            return 0;
        year = number(p, 4), month = number(p + 5, 2), day = number(p + 8, 2);
    } else if (n == 8) {
        if (!all_digits(p, 8)) return 0;
        year = number(p, 4), month = number(p + 4, 2), day = number(p + 6, 2);
    } else if (n == 17) {
        if (!all_digits(p, 4) || memcmp(p + 4, YEAR_MARK, 3) || !all_digits(p + 7, 2) ||
            memcmp(p + 9, MONTH_MARK, 3) || !all_digits(p + 12, 2) || memcmp(p + 14, DAY_MARK, 3))
            return 0;
        year = number(p, 4), month = number(p + 7, 2), day = number(p + 12, 2);
    } else {
        return 0;
    }
    if (!day_exists(year, month, day)) return 0;
    *days = days_from_civil(year, month, day);
    return 1;
}

static void dates_chunk(const Strings *s, int32_t *days, uint8_t *parsed) {
    for (Py_ssize_t i = 0; i < s->length; i++) {
        days[i] = 0;
        parsed[i] = 0;
        if (!is_valid(s, i)) continue;
        int32_t n;
        const uint8_t *p = value(s, i, &n);
        parsed[i] = (uint8_t)parse_date(p, n, &days[i]);
    }
}

static PyObject *dates(PyObject *self, PyObject *args) {
    unsigned long long views, data, validity, days, parsed;
    Strings s;
    if (!PyArg_ParseTuple(args, STRINGS_FORMAT "KK", &views, &data, &validity, &s.offset,
                          &s.length, &days, &parsed))
        return NULL;
    STRINGS_ARGS(s, views, data, validity);
    Py_BEGIN_ALLOW_THREADS
    dates_chunk(&s, (int32_t *)(uintptr_t)days, (uint8_t *)(uintptr_t)parsed);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ module */

static PyMethodDef methods[] = {
    {"text_flags", text_flags, METH_VARARGS,
     "text_flags(views, data, validity, offset, length, out): per-row flags (uint8)."},
    {"identifiers", identifiers, METH_VARARGS,
     "identifiers(views, data, validity, offset, length, kind, out): USCC (kind 0-2) or ID "
     "number (kind 3) validity per row (uint8)."},
    {"dates", dates, METH_VARARGS,
     "dates(views, data, validity, offset, length, days, parsed): day numbers (int32) and "
     "whether each row parsed (uint8)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_native", "Compiled kernels over Arrow string views.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__native(void) {
    init_byte_class();
    init_identifier_tables();
    return PyModule_Create(&module);
}
