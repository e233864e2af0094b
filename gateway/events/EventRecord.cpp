#include "events/EventRecord.h"

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <type_traits>

namespace ar::event_record {

namespace {

static_assert(std::is_trivially_copyable_v<Usage>);

struct Head {
    uint32_t size;  // the whole record, this head included
    uint32_t payloadBytes;
    uint32_t lengths[kStrings];  // in UTF-16 units
    quint64 requestId;
    qint64 timestampMs;
    qint64 costMicros;
    qint64 latencyMs;
    qint64 ttfbMs;
    Usage usage;
    int32_t status;
    int32_t attempts;
    int32_t images;
    uint8_t kind;
    bool stream;
};

constexpr QString RequestEvent::*kFields[kStrings] = {
    &RequestEvent::method,   &RequestEvent::path,          &RequestEvent::keyId,     &RequestEvent::keyName,
    &RequestEvent::model,    &RequestEvent::provider,      &RequestEvent::upstreamModel,
    &RequestEvent::errorCode, &RequestEvent::imageSize,    &RequestEvent::imageQuality,
};

// A field added to RequestEvent must be carried here too (and in its round-trip test).
static_assert(sizeof(RequestEvent) == 384 && sizeof(Usage) == 48,
              "RequestEvent changed: update event_record's Head, kFields and EventRecord_test");

Head headAt(const char* data, size_t at) {
    Head h;
    std::memcpy(&h, data + at, sizeof h);
    return h;
}

}  // namespace

void append(std::vector<char>& out, const RequestEvent& e, bool withPayload) {
    Head h{};
    size_t size = sizeof h;
    for (int i = 0; i < kStrings; ++i) {
        h.lengths[i] = uint32_t((e.*kFields[i]).size());
        size += size_t(h.lengths[i]) * sizeof(char16_t);
    }
    h.payloadBytes = withPayload ? uint32_t(e.payload.size()) : 0;
    size += h.payloadBytes;
    h.size = uint32_t(size);
    h.requestId = e.requestId;
    h.timestampMs = e.timestampMs;
    h.costMicros = e.costMicros;
    h.latencyMs = e.latencyMs;
    h.ttfbMs = e.ttfbMs;
    h.usage = e.usage;
    h.status = e.status;
    h.attempts = e.attempts;
    h.images = e.images;
    h.kind = uint8_t(e.kind);
    h.stream = e.stream;

    const auto put = [&out](const void* p, size_t n) {
        const char* bytes = static_cast<const char*>(p);
        out.insert(out.end(), bytes, bytes + n);
    };
    if (out.capacity() - out.size() < size) out.reserve(std::max(out.capacity() * 2, out.size() + size));
    put(&h, sizeof h);
    for (int i = 0; i < kStrings; ++i) put((e.*kFields[i]).constData(), h.lengths[i] * sizeof(char16_t));
    put(e.payload.constData(), h.payloadBytes);
}

size_t recordSize(const char* data, size_t at) { return headAt(data, at).size; }

qsizetype payloadSize(const char* data, size_t at) { return headAt(data, at).payloadBytes; }

size_t read(const char* data, size_t at, RequestEvent& e, StringCache& cache) {
    const Head h = headAt(data, at);
    e.kind = RequestEvent::Kind(h.kind);
    e.requestId = h.requestId;
    e.timestampMs = h.timestampMs;
    e.costMicros = h.costMicros;
    e.latencyMs = h.latencyMs;
    e.ttfbMs = h.ttfbMs;
    e.usage = h.usage;
    e.status = h.status;
    e.attempts = h.attempts;
    e.images = h.images;
    e.stream = h.stream;
    const char* p = data + at + sizeof h;
    for (int i = 0; i < kStrings; ++i) {
        const qsizetype n = h.lengths[i];
        QString& last = cache.last[size_t(i)];
        if (last.size() != n || std::memcmp(last.constData(), p, size_t(n) * sizeof(char16_t)) != 0)
            last = n == 0 ? QString() : QString(reinterpret_cast<const QChar*>(p), n);
        e.*kFields[i] = last;
        p += size_t(n) * sizeof(char16_t);
    }
    e.payload = h.payloadBytes ? QByteArray(p, qsizetype(h.payloadBytes)) : QByteArray();
    return at + h.size;
}

}  // namespace ar::event_record
