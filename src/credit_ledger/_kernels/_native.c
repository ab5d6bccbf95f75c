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
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
    NON_ASCII = 32,  /* holds a byte of 0x80 or more */
    SLOW = 64,       /* clean(): left to the Polars fold */
    CONTROL = 128    /* holds a C0 control byte other than tab, LF and CR, or DEL */
};

/* Tab, line feed and carriage return are text (quoted multi-line fields); no multi-byte UTF-8
 * unit uses these bytes, so a byte test suffices. */
static inline uint8_t is_control(uint8_t b) {
    return (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F;
}

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

enum { NOT_CODE = 1, LEAD_EF = 2, LEAD_E3 = 4, HIGH = 8, CTRL = 16 };
static uint8_t byte_class[256];

static void init_byte_class(void) {
    for (int b = 0; b < 256; b++) {
        int code = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || b == '*';
        byte_class[b] = (uint8_t)((code ? 0 : NOT_CODE) | (b == 0xEF ? LEAD_EF : 0) |
                                  (b == 0xE3 ? LEAD_E3 : 0) | (b >= 0x80 ? HIGH : 0) |
                                  (is_control((uint8_t)b) ? CTRL : 0));
    }
}

static inline uint8_t not_code(uint8_t b) {
    return ((uint8_t)(b - '0') > 9) & ((uint8_t)(b - 'A') > 25) & (b != '*');
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

#ifdef __SSE2__
/* 16 bytes from p, of which `left` belong to the value: read in place unless that would cross
 * into the next memory page (which may not be mapped); lanes past the value are masked. */
static inline __m128i load16(const uint8_t *p, int32_t left) {
    if (left >= 16 || ((uintptr_t)p & 4095) <= 4096 - 16)
        return _mm_loadu_si128((const __m128i *)(const void *)p);
    uint8_t copy[16] = {0};
    memcpy(copy, p, (size_t)left);
    return _mm_loadu_si128((const __m128i *)(const void *)copy);
}

/* Every flag but EMPTY, of a value of n > 0 bytes: 16 bytes at a time; the sequences are
 * checked only where an EF or E3 byte starts one. */
static uint8_t scan(const uint8_t *p, int32_t n) {
    const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9), a = _mm_set1_epi8('A'),
                  z = _mm_set1_epi8(25), star = _mm_set1_epi8('*'),
                  ef = _mm_set1_epi8((char)0xEF), e3 = _mm_set1_epi8((char)0xE3),
                  c0 = _mm_set1_epi8(0x1F), tab = _mm_set1_epi8(0x09), lf = _mm_set1_epi8(0x0A),
                  cr = _mm_set1_epi8(0x0D), del = _mm_set1_epi8(0x7F);
    uint32_t unclean = 0, high = 0, control = 0;
    uint8_t flags = edge_space(p, n);
    for (int32_t k = 0; k < n; k += 16) {
        int32_t left = n - k;
        uint32_t lanes = left >= 16 ? 0xFFFF : (1u << left) - 1;
        __m128i v = load16(p + k, left);
        __m128i digit = _mm_sub_epi8(v, zero), letter = _mm_sub_epi8(v, a);
        __m128i code = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(digit, nine), digit),
                         _mm_cmpeq_epi8(_mm_min_epu8(letter, z), letter)),
            _mm_cmpeq_epi8(v, star));
        unclean |= ~(uint32_t)_mm_movemask_epi8(code) & lanes;
        high |= (uint32_t)_mm_movemask_epi8(v) & lanes;
        __m128i text = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                                    _mm_cmpeq_epi8(v, cr));
        __m128i low = _mm_andnot_si128(text, _mm_cmpeq_epi8(_mm_min_epu8(v, c0), v));
        control |= (uint32_t)_mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(v, del))) & lanes;
        uint32_t leads =
            (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, ef), _mm_cmpeq_epi8(v, e3))) &
            lanes;
        while (leads && (flags & (WIDE | REPLACEMENT)) != (WIDE | REPLACEMENT)) {
            int j = __builtin_ctz(leads);
            leads &= leads - 1;
            flags |= sequence_at(p + k + j, left - j);
        }
    }
    return flags | (unclean ? UNCLEAN : 0) | (high ? NON_ASCII : 0) | (control ? CONTROL : 0);
}
#else
/* WIDE (EF BC xx, EF BD xx, E3 80 80), REPLACEMENT (EF BF BD), UNCLEAN, NON_ASCII and CONTROL
 * of a long value, in branch-free byte tests, which the compiler turns into SIMD. */
static uint8_t long_scan(const uint8_t *p, int32_t n) {
    uint8_t wide = 0, replacement = 0, unclean = 0, high = 0, control = 0;
    int32_t k = 0;
    for (; k + 2 < n; k++) {
        uint8_t a = p[k], b = p[k + 1], c = p[k + 2];
        wide |= ((a == 0xEF) & ((b & 0xFE) == 0xBC)) | ((a == 0xE3) & (b == 0x80) & (c == 0x80));
        replacement |= (a == 0xEF) & (b == 0xBF) & (c == 0xBD);
        unclean |= not_code(a);
        high |= a >> 7;
        control |= is_control(a);
    }
    for (; k < n; k++) {
        unclean |= not_code(p[k]);
        high |= p[k] >> 7;
        control |= is_control(p[k]);
        if (k + 1 < n) wide |= (p[k] == 0xEF) & ((p[k + 1] & 0xFE) == 0xBC);
    }
    return (wide ? WIDE : 0) | (replacement ? REPLACEMENT : 0) | (unclean ? UNCLEAN : 0) |
           (high ? NON_ASCII : 0) | (control ? CONTROL : 0);
}

/* Every flag but EMPTY, of a value of n > 0 bytes (without SSE2). */
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
                    ((seen & HIGH) ? NON_ASCII : 0) | ((seen & CTRL) ? CONTROL : 0);
    if (seen & (LEAD_EF | LEAD_E3)) {
        for (k = 0; k < n; k++)
            if (byte_class[p[k]] & (LEAD_EF | LEAD_E3)) flags |= sequence_at(p + k, n - k);
    }
    return flags;
}
#endif

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

/* Bytes left after stripping white space at both ends of p[0..n); *start gets those skipped. */
static int32_t strip(const uint8_t *p, int32_t n, int32_t *start) {
    int32_t a = 0, b = n;
    for (;;) {
        if (a < b && ascii_space(p[a])) a += 1;
        else if (b - a >= 2 && space2(p[a], p[a + 1])) a += 2;
        else if (b - a >= 3 && space3(p[a], p[a + 1], p[a + 2])) a += 3;
        else break;
    }
    for (;;) {
        if (b > a && ascii_space(p[b - 1])) b -= 1;
        else if (b - a >= 2 && space2(p[b - 2], p[b - 1])) b -= 2;
        else if (b - a >= 3 && space3(p[b - 3], p[b - 2], p[b - 1])) b -= 3;
        else break;
    }
    *start = a;
    return b - a;
}

/* ------------------------------------------------------------------ cleaning */

enum { TRIM = 0, FOLD_WIDTH = 1, CODE = 2 }; /* what clean() does; see credit_ledger._kernels */

/* Rewritten values longer than 12 bytes go to one growing buffer, filled without the GIL. */
typedef struct {
    uint8_t *bytes;
    size_t used, capacity;
    int failed;
} Output;

/* Room for n more bytes at bytes + used, or NULL (failed is then set). */
static uint8_t *reserve(Output *o, size_t n) {
    if (o->used + n > o->capacity) {
        size_t capacity = o->capacity ? o->capacity : 1 << 16;
        while (capacity < o->used + n) capacity *= 2;
        uint8_t *grown = realloc(o->bytes, capacity);
        if (grown == NULL) {
            o->failed = 1;
            return NULL;
        }
        o->bytes = grown;
        o->capacity = capacity;
    }
    return o->bytes + o->used;
}

/* The view of m bytes at q. Up to 12 bytes are stored in the view itself, zero-padded (Polars
 * compares such views whole); longer ones are at `offset` in data buffer `buffer`. */
static void put_view(uint8_t *out, const uint8_t *q, int32_t m, uint32_t buffer, uint32_t offset) {
    memset(out, 0, 16);
    memcpy(out, &m, 4);
    if (m <= 12) {
        memcpy(out + 4, q, (size_t)m);
        return;
    }
    memcpy(out + 4, q, 4);
    memcpy(out + 8, &buffer, 4);
    memcpy(out + 12, &offset, 4);
}

/* The view of the m bytes at p + start, a part of the value whose view is `view`. */
static void part_view(uint8_t *out, const uint8_t *view, const uint8_t *p, int32_t start,
                      int32_t m) {
    uint32_t buffer, offset;
    memcpy(&buffer, view + 8, 4);
    memcpy(&offset, view + 12, 4);
    put_view(out, p + start, m, buffer, offset + (uint32_t)start);
}

/* The code point of the (valid) UTF-8 sequence at p, and its length. */
static inline uint32_t decode(const uint8_t *p, int32_t *len) {
    uint8_t b = p[0];
    if (b < 0x80) return *len = 1, b;
    if (b < 0xE0) return *len = 2, ((uint32_t)(b & 0x1F) << 6) | (p[1] & 0x3F);
    if (b < 0xF0)
        return *len = 3, ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    return *len = 4, ((uint32_t)(b & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                     ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* What a code loses (white space, zero-width characters, BOM, dashes), as NOISE_CHARS in
 * credit_ledger/_kernels/_fold.py. NFKC maps none of them outside this set, so they can be
 * dropped before folding. */
static inline int code_noise(uint32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == ' ' || c == '-' || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200D) || (c >= 0x2010 && c <= 0x2015) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
           c == 0xFEFF || c == 0x2212;
}

/* Characters NFKC leaves alone, besides ASCII: CJK ideographs and CJK punctuation in common
 * use (the tests check the set against unicodedata). */
static inline int nfkc_stable(uint32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3001 && c <= 0x3003) ||
           (c >= 0x3008 && c <= 0x3011) || (c >= 0x3014 && c <= 0x301F);
}

/* NFKC of full-width ASCII forms and the ideographic space; 0 for other characters. */
static inline uint32_t narrow(uint32_t c) {
    if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;
    return c == 0x3000 ? ' ' : 0;
}

/* Code folding (NFKC, upper case, noise dropped) of p[0..n) into q: the bytes written, or -1
 * for a character it does not know, left to the Polars fold. */
static int32_t fold_code(const uint8_t *p, int32_t n, uint8_t *q) {
    int32_t m = 0, len;
    for (int32_t k = 0; k < n; k += len) {
        uint32_t c = decode(p + k, &len);
        if (c >= 0x80 && !code_noise(c)) {
            c = narrow(c);
            if (c == 0) return -1;
        }
        if (code_noise(c)) continue;
        q[m++] = (uint8_t)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    return m;
}

/* NFKC of p[0..n) into q when it only narrows full-width forms: the bytes written, or -1. */
static int32_t fold_width(const uint8_t *p, int32_t n, uint8_t *q) {
    int32_t m = 0, len;
    for (int32_t k = 0; k < n; k += len) {
        uint32_t c = decode(p + k, &len);
        if (c < 0x80 || nfkc_stable(c)) {
            memcpy(q + m, p + k, (size_t)len);
            m += len;
        } else if ((c = narrow(c)) != 0) {
            q[m++] = (uint8_t)c;
        } else {
            return -1;
        }
    }
    return m;
}

/* Row i's new value: the view at out and whether it is valid, or -1 (left to Polars). Folded
 * bytes are written at the end of o (kept only when longer than 12 bytes), trimmed in place. */
static int rewrite(int mode, const uint8_t *p, int32_t n, uint8_t *out, Output *o,
                   uint32_t buffer) {
    if (o->used + (size_t)n > UINT32_MAX) return -1; /* views address 4 GiB of a buffer */
    uint8_t *q = reserve(o, (size_t)n);
    if (q == NULL) return 0;
    int32_t m = mode == CODE ? fold_code(p, n, q) : fold_width(p, n, q), start = 0;
    if (m < 0) return -1;
    if (mode != CODE) m = strip(q, m, &start);
    if (m > 12 && start > 0) memmove(q, q + start, (size_t)m);
    put_view(out, q + (m > 12 ? 0 : start), m, buffer, (uint32_t)o->used);
    if (m > 12) o->used += (size_t)m;
    return m > 0;
}

/* Rows [0, i) as they are: the views copied, valid from the validity bitmap. */
static void copy_prefix(const Strings *s, Py_ssize_t i, uint8_t *views, uint8_t *valid) {
    memcpy(views, s->views + 16 * s->offset, 16 * (size_t)i);
    for (Py_ssize_t j = 0; j < i; j++) valid[j] = (uint8_t)is_valid(s, j);
}

/* See clean(). Whether any value changes: the views and valid are written only from the first
 * change on (with the rows before it copied then), so a column that needs no cleaning costs
 * its scan alone. */
static int clean_chunk(const Strings *s, int mode, uint32_t buffer, uint8_t *flags,
                       uint8_t *views, uint8_t *valid, Output *o) {
    uint8_t refold = mode == CODE ? UNCLEAN : mode == FOLD_WIDTH ? WIDE : 0;
    uint8_t untrimmed = mode == CODE ? 0 : EDGE_SPACE;
    int changed = 0;
    for (Py_ssize_t i = 0; i < s->length; i++) {
        int32_t n = 0;
        const uint8_t *p = is_valid(s, i) ? value(s, i, &n) : NULL;
        uint8_t f = n == 0 ? (p == NULL ? 0 : EMPTY) : scan(p, n);
        flags[i] = f;
        if (!changed) {
            if (!(f & (EMPTY | refold | untrimmed))) continue;
            copy_prefix(s, i, views, valid);
            changed = 1;
        }
        uint8_t *out = views + 16 * i;
        if (n == 0) {
            valid[i] = 0;
            memset(out, 0, 16);
            continue;
        }
        const uint8_t *view = s->views + 16 * (s->offset + i);
        valid[i] = 1;
        if (f & refold) {
            int fixed = rewrite(mode, p, n, out, o, buffer);
            if (fixed >= 0) {
                valid[i] = (uint8_t)fixed;
                continue;
            }
            flags[i] = f | SLOW;
        }
        if (f & untrimmed) {
            int32_t start, m = strip(p, n, &start);
            valid[i] = m > 0;
            part_view(out, view, p, start, m);
        } else {
            memcpy(out, view, 16);
        }
    }
    return changed;
}

static PyObject *clean(PyObject *self, PyObject *args) {
    unsigned long long views, data, validity, flags, out_views, valid;
    int mode;
    unsigned int buffer;
    Strings s;
    if (!PyArg_ParseTuple(args, STRINGS_FORMAT "iIKKK", &views, &data, &validity, &s.offset,
                          &s.length, &mode, &buffer, &flags, &out_views, &valid))
        return NULL;
    if (mode < TRIM || mode > CODE) {
        PyErr_SetString(PyExc_ValueError, "mode must be 0 (trim), 1 (fold width) or 2 (code)");
        return NULL;
    }
    STRINGS_ARGS(s, views, data, validity);
    Output o = {NULL, 0, 0, 0};
    int changed;
    Py_BEGIN_ALLOW_THREADS
    changed = clean_chunk(&s, mode, buffer, (uint8_t *)(uintptr_t)flags,
                          (uint8_t *)(uintptr_t)out_views, (uint8_t *)(uintptr_t)valid, &o);
    Py_END_ALLOW_THREADS
    PyObject *written = o.failed ? PyErr_NoMemory()
                                 : PyBytes_FromStringAndSize((const char *)o.bytes, (Py_ssize_t)o.used);
    free(o.bytes);
    return written == NULL ? NULL : Py_BuildValue("(Ni)", written, changed);
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
    {"clean", clean, METH_VARARGS,
     "clean(views, data, validity, offset, length, mode, buffer, flags, out_views, valid): "
     "flags (uint8), views (16 bytes) and validity (uint8) per row of the cleaned values; "
     "returns (the bytes of the rewritten values longer than 12 bytes, which the views find as "
     "data buffer number `buffer`; whether any value changed: views and validity are written "
     "only then)."},
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
