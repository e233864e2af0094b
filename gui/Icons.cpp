#include "Icons.h"

#include <QApplication>
#include <QHash>
#include <QIconEngine>
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

namespace {

// The grey line icons, tinted when painted with the palette of that moment: the text colour, or
// the highlighted-text colour when selected (a grey icon on a blue selection is barely visible),
// so light and dark palettes both work, also after the palette changes while running.
class TintedIconEngine : public QIconEngine {
public:
    explicit TintedIconEngine(QIcon svg) : m_svg(std::move(svg)) {}

    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State state) override {
        const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
        QPixmap pm = pixmap(rect.size() * dpr, mode, state);
        pm.setDevicePixelRatio(dpr);
        painter->drawPixmap(rect, pm);
    }

    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override {
        QPixmap tinted = m_svg.pixmap(size, QIcon::Normal, state);
        if (tinted.isNull()) return tinted;
        const QPalette pal = QApplication::palette();
        QColor c = pal.color(mode == QIcon::Disabled ? QPalette::Disabled : QPalette::Active,
                             mode == QIcon::Selected ? QPalette::HighlightedText : QPalette::WindowText);
        if (mode == QIcon::Normal) c.setAlphaF(0.75);
        if (mode == QIcon::Disabled) c.setAlphaF(0.45);
        QPainter p(&tinted);
        p.setCompositionMode(QPainter::CompositionMode_SourceIn);
        p.fillRect(tinted.rect(), c);
        return tinted;
    }

    QSize actualSize(const QSize& size, QIcon::Mode, QIcon::State) override { return size; }
    QIconEngine* clone() const override { return new TintedIconEngine(m_svg); }

private:
    QIcon m_svg;
};

}  // namespace

QIcon icon(const QString& name) {
    const QIcon svg(QStringLiteral(":/icons/%1.svg").arg(name));
    // Without the SVG icon engine QIcon still exists but renders nothing.
    if (svg.pixmap(16, 16).isNull()) return QApplication::style()->standardIcon(fallback(name));
    if (name == QLatin1String("start") || name == QLatin1String("stop") || name.startsWith(QLatin1String("app")))
        return svg;  // coloured on purpose
    return QIcon(new TintedIconEngine(svg));
}

}  // namespace ar::gui
