#include "Icons.h"

#include <QApplication>
#include <QHash>
#include <QPainter>
#include <utility>
#include <QStyle>

static void initIconResources() { Q_INIT_RESOURCE(icons); }

namespace ar::gui {

void initResources() { initIconResources(); }

namespace {
QStyle::StandardPixmap fallback(const QString& name) {
    static const QHash<QString, QStyle::StandardPixmap> map{
        {QStringLiteral("start"), QStyle::SP_MediaPlay},
        {QStringLiteral("stop"), QStyle::SP_MediaStop},
        {QStringLiteral("pause"), QStyle::SP_MediaPause},
        {QStringLiteral("clear"), QStyle::SP_DialogResetButton},
        {QStringLiteral("copy"), QStyle::SP_FileDialogContentsView},
        {QStringLiteral("add"), QStyle::SP_FileDialogNewFolder},
        {QStringLiteral("edit"), QStyle::SP_FileDialogDetailedView},
        {QStringLiteral("delete"), QStyle::SP_TrashIcon},
        {QStringLiteral("export"), QStyle::SP_DialogSaveButton},
        {QStringLiteral("settings"), QStyle::SP_FileDialogInfoView},
        {QStringLiteral("rotate"), QStyle::SP_BrowserReload},
        {QStringLiteral("up"), QStyle::SP_ArrowUp},
        {QStringLiteral("down"), QStyle::SP_ArrowDown},
        {QStringLiteral("test"), QStyle::SP_DialogApplyButton},
        {QStringLiteral("app"), QStyle::SP_ComputerIcon},
        {QStringLiteral("app-stopped"), QStyle::SP_ComputerIcon},
    };
    return map.value(name, QStyle::SP_FileIcon);
}
}  // namespace

QIcon icon(const QString& name) {
    const QIcon svg(QStringLiteral(":/icons/%1.svg").arg(name));
    // Without the SVG icon engine QIcon still exists but renders nothing.
    if (svg.pixmap(16, 16).isNull()) return QApplication::style()->standardIcon(fallback(name));
    if (name == QLatin1String("start") || name == QLatin1String("stop") || name.startsWith(QLatin1String("app")))
        return svg;  // coloured on purpose
    // The grey line icons: in the palette's text colour, and in its highlighted-text colour when
    // selected (a grey icon on a blue selection is barely visible), so light and dark both work.
    QIcon out;
    const QPalette pal = QApplication::palette();
    for (int size : {16, 20, 24, 32, 48}) {
        const QPixmap base = svg.pixmap(size, size);
        for (auto [mode, role] : {std::pair{QIcon::Normal, QPalette::WindowText},
                                  std::pair{QIcon::Selected, QPalette::HighlightedText}}) {
            QPixmap tinted = base;
            QPainter p(&tinted);
            p.setCompositionMode(QPainter::CompositionMode_SourceIn);
            QColor c = pal.color(role);
            if (mode == QIcon::Normal) c.setAlphaF(0.75);
            p.fillRect(tinted.rect(), c);
            p.end();
            out.addPixmap(tinted, mode);
        }
    }
    return out;
}

}  // namespace ar::gui
