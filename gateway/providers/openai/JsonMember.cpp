#include "providers/openai/JsonMember.h"

#include <array>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <charconv>
#include <cstring>

namespace ar::json_member {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The next byte at or after `i` that matters to a value's extent: a quote or a bracket, and a
// ',' when `commas` (at the value's own level). Numbers and the commas of an array (an
// embedding's 1536 floats) are skipped 16 bytes at a time: byte by byte, scanning an
// embeddings answer for its usage cost more than the rest of the request.
// 1: a quote or a bracket; 2: a comma.
constexpr std::array<unsigned char, 256> kStructural = [] {
    std::array<unsigned char, 256> t{};
    for (unsigned char c : {'"', '{', '}', '[', ']'}) t[c] = 1;
    t[','] = 2;
    return t;
}();

bool isStructural(char c, bool commas) {
    return kStructural[static_cast<unsigned char>(c)] & (commas ? 3 : 1);
}

qsizetype nextStructural(const char* p, qsizetype i, qsizetype end, bool commas) {
    // Dense JSON (keys, short values) has the next one within a few bytes: those one by one
    // first, blocks after.
    for (const qsizetype probe = qMin(end, i + 4); i < probe; ++i)
        if (isStructural(p[i], commas)) return i;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i comma = _mm_set1_epi8(commas ? ',' : '"');
    const __m128i lower = _mm_set1_epi8(0x20);  // '[' | 0x20 == '{', ']' | 0x20 == '}'
    const __m128i open = _mm_set1_epi8('{');
    const __m128i close = _mm_set1_epi8('}');
    while (i + 16 <= end) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const __m128i folded = _mm_or_si128(v, lower);
        const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, comma)),
                                          _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
        const int mask = _mm_movemask_epi8(hits);
        if (mask != 0) return i + __builtin_ctz(unsigned(mask));
        i += 16;
    }
#endif
    for (; i < end; ++i)
        if (isStructural(p[i], commas)) return i;
    return end;
}

// Index just past the string that opens at `i` (a '"'), or -1 when it never closes: the next
// quote or backslash 16 bytes at a time (SSE2), a backslash skipping the byte it escapes.
qsizetype skipString(const char* p, qsizetype i, qsizetype end) {
    qsizetype at = i + 1;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    while (at + 16 <= end) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
        const int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        if (mask == 0) {
            at += 16;
            continue;
        }
        at += __builtin_ctz(unsigned(mask));
        if (p[at] == '"') return at + 1;
        at += 2;  // a backslash and the byte it escapes
    }
#endif
    while (at < end) {
        if (p[at] == '"') return at + 1;
        at += p[at] == '\\' ? 2 : 1;
    }
    return -1;
}

}  // namespace

Reader::Reader(QByteArrayView json) : m_p(json.data()), m_end(json.size()) {
    qsizetype b = 0;
    while (b < m_end && isSpace(m_p[b])) ++b;
    while (m_end > b && isSpace(m_p[m_end - 1])) --m_end;
    m_p += b;
    m_end -= b;
    if (m_end < 2 || m_p[0] != '{' || m_p[m_end - 1] != '}') {
        m_ok = false;
        m_done = true;
    }
}

bool Reader::next(QByteArrayView& key, QByteArrayView& value) {
    if (m_done) return false;
    const char* p = m_p;
    const qsizetype end = m_end;
    qsizetype i = m_i;
    auto fail = [this] {
        m_ok = false;
        m_done = true;
        return false;
    };
    while (i < end && isSpace(p[i])) ++i;
    if (i == end - 1) {  // "}": an empty object, or after the last member
        m_done = true;
        return false;
    }
    if (p[i] != '"') return fail();
    const qsizetype keyEnd = skipString(p, i, end);
    if (keyEnd < 0) return fail();
    key = QByteArrayView(p + i + 1, keyEnd - i - 2);
    i = keyEnd;
    while (i < end && isSpace(p[i])) ++i;
    if (i >= end || p[i] != ':') return fail();
    const qsizetype valueStart = ++i;
    int depth = 0;
    for (;;) {
        i = nextStructural(p, i, end, depth == 0);
        if (i >= end) return fail();
        const char c = p[i];
        if (c == '"') {
            const qsizetype after = skipString(p, i, end);
            if (after < 0) return fail();
            i = after;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0) break;  // the object's own closing brace
            --depth;
        } else if (depth == 0) {  // ','
            break;
        }
        ++i;
    }
    qsizetype b = valueStart, e = i;
    while (b < e && isSpace(p[b])) ++b;
    while (e > b && isSpace(p[e - 1])) --e;
    if (b == e) return fail();
    value = QByteArrayView(p + b, e - b);
    if (p[i] == '}') {
        if (i != end - 1) return fail();  // anything after the object is not ours
        m_done = true;
    }
    m_i = i + 1;
    return true;
}

std::optional<QByteArrayView> topLevel(QByteArrayView json, QByteArrayView key) {
    QByteArrayView found("");
    const bool ok = forEach(json, [&](QByteArrayView k, QByteArrayView v) {
        if (k != key) return true;
        found = v;
        return false;
    });
    if (!ok) return std::nullopt;
    return found;
}

bool mentionsUsageObject(QByteArrayView json) {
    // memchr() for the key's 'u', which few bytes of a chunk are, then a comparison: glibc's
    // memmem() cost four times as much on a stream's text chunks.
    static constexpr char kKey[] = "\"usage\"";
    constexpr size_t kKeyLength = sizeof kKey - 1;
    if (size_t(json.size()) < kKeyLength) return false;
    const char* const begin = json.data();
    const char* const end = begin + json.size();
    const char* p = begin + 1;
    while (p < end) {
        const void* u = std::memchr(p, 'u', size_t(end - p));
        if (!u) return false;
        const char* hit = static_cast<const char*>(u) - 1;  // the key's opening quote
        if (size_t(end - hit) < kKeyLength || std::memcmp(hit, kKey, kKeyLength) != 0) {
            p = static_cast<const char*>(u) + 1;
            continue;
        }
        const char* q = hit + kKeyLength;
        while (q < end && isSpace(*q)) ++q;
        if (q < end && *q == ':') {
            ++q;
            while (q < end && isSpace(*q)) ++q;
            if (q < end && *q == '{') return true;
        }
        p = static_cast<const char*>(u) + 1;
    }
    return false;
}

qint64 toInteger(QByteArrayView value, qint64 fallback) {
    qint64 n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    return ec == std::errc() && end == value.data() + value.size() ? n : fallback;
}

}  // namespace ar::json_member
