#pragma once

#include <QStringList>

namespace ar::tare {

// tare api keys create | list | show ID | revoke ID | rotate ID, through the admin API.
int runKeys(const QStringList& args);

}  // namespace ar::tare
