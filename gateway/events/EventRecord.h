#pragma once

#include <QString>
#include <array>
#include <cstddef>
#include <vector>

#include "events/RequestEvent.h"

namespace ar::event_record {

// A RequestEvent flattened into bytes, for handing events from a proxy thread to a window's
// thread. Passing the event itself would hand over its strings and bodies: the window's
// thread would free what the proxy's allocated, which empties the proxy thread's malloc cache
// and makes its every allocation take the slow path. A record is copied into a buffer that
// lives as long as the queue, and the reading thread builds its own strings.
//
// Layout: a fixed head (numbers, lengths), then the strings' UTF-16 units, then the payload.

constexpr int kStrings = 10;

// The reading side's last string of each field: a field that repeats (method, path, key,
// model, provider...) shares one QString instead of allocating a copy per event.
struct StringCache {
    std::array<QString, kStrings> last;
};

// `withPayload` false: the record carries an empty payload.
void append(std::vector<char>& out, const RequestEvent& e, bool withPayload = true);

// The record starting at `at`: its size in bytes and its payload's.
size_t recordSize(const char* data, size_t at);
qsizetype payloadSize(const char* data, size_t at);

// Rebuilds the record at `at` into `e` (every field set); returns where the next one starts.
size_t read(const char* data, size_t at, RequestEvent& e, StringCache& cache);

}  // namespace ar::event_record
