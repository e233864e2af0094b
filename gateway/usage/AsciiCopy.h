#pragma once

#include <QtGlobal>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ar {

// Room a UTF-16 unit can need in UTF-8: 3 bytes (a surrogate pair, 2 units, needs 4).
inline constexpr qsizetype kMaxUtf8BytesPerUnit = 3;

// Copies `n` UTF-16 units to `d` as bytes when every one is printable ASCII other than '\\'
// (ids, paths, model names: nothing to convert or escape), 8 at a time where SSE2 is there.
// False, with `d` partly written, when one is not: the caller converts (and escapes) instead.
inline bool copyPlainAscii(char* d, const char16_t* src, qsizetype n) {
    qsizetype i = 0;
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi16(0x20), span = _mm_set1_epi16(0x5f),
                  backslash = _mm_set1_epi16('\\');
    const __m128i ones = _mm_set1_epi16(-1);
    auto chunk = [&](qsizetype at) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + at));
        // Printable: c - 0x20 <= 0x5f unsigned, i.e. that difference less 0x5f saturates to 0.
        const __m128i outside = _mm_subs_epu16(_mm_sub_epi16(v, space), span);
        const __m128i bad =
            _mm_or_si128(_mm_xor_si128(_mm_cmpeq_epi16(outside, _mm_setzero_si128()), ones),
                         _mm_cmpeq_epi16(v, backslash));
        if (_mm_movemask_epi8(bad) != 0) return false;
        _mm_storel_epi64(reinterpret_cast<__m128i*>(d + at), _mm_packus_epi16(v, v));
        return true;
    };
    if (n >= 8) {
        for (; i + 8 <= n; i += 8) {
            if (!chunk(i)) return false;
        }
        // The last few again, overlapping: no scalar tail.
        return i == n || chunk(n - 8);
    }
#endif
    for (; i < n; ++i) {
        const char16_t c = src[i];
        if (char16_t(c - 0x20) >= 0x60 || c == '\\') return false;
        d[i] = char(c);
    }
    return true;
}

}  // namespace ar
