#pragma once

#include <QUrl>

namespace ar {

// Whether two URLs are equal, identity first: copies of one provider's configuration share
// their QUrl, and a full comparison per request cost more than the rest of the lookup.
inline bool sameUrl(const QUrl& a, const QUrl& b) {
    return const_cast<QUrl&>(a).data_ptr() == const_cast<QUrl&>(b).data_ptr() || a == b;
}

}  // namespace ar
