#pragma once

#include <QIcon>
#include <QString>

namespace ar::gui {

// Registers the icon resources compiled into this static library (call once from main()).
void initResources();

// An SVG icon from resources/icons by base name ("keys"); falls back to a style icon when
// the SVG icon engine (libqt6svg6) is not installed, so buttons never end up blank.
QIcon icon(const QString& name);

}  // namespace ar::gui
