#pragma once

#include <QStringList>

namespace ar::app {

// `agentrouter approve CODE` / `agentrouter deny CODE`: decides a device-flow sign-in (such as
// `tare api login`) on the running gateway through its admin API, with the admin token from the
// keychain. For machines without the window.
int runDeviceDecision(const QString& command, const QStringList& args);

}  // namespace ar::app
