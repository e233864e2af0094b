#include "widgets/ConnectionTestStatus.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include "models/Format.h"

namespace ar::gui {

ConnectionTestStatus::ConnectionTestStatus(QWidget* parent) : QWidget(parent) {
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0);  // busy: the duration is unknown
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(90);
    m_progress->setAccessibleName(tr("Testing the connection"));
    m_progress->hide();
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setAccessibleName(tr("Connection test result"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_progress);
    layout->addWidget(m_label, 1);
}

void ConnectionTestStatus::start(const QString& providerId) {
    m_running = true;
    m_progress->show();
    m_label->setStyleSheet(QString());
    m_label->setText(tr("Testing %1…").arg(providerId));
}

void ConnectionTestStatus::finish(const ConnectionCheckResult& r) {
    m_running = false;
    m_progress->hide();
    QString text;
    if (r.ok) {
        text = tr("✓ %1 (%2)").arg(r.message, formatDuration(r.latencyMs));
        m_label->setStyleSheet(QStringLiteral("color: #2e9d5b;"));
    } else {
        text = r.status > 0 ? tr("✗ HTTP %1: %2").arg(r.status).arg(r.message) : tr("✗ %1").arg(r.message);
        m_label->setStyleSheet(QStringLiteral("color: #d0453a;"));
    }
    m_label->setText(text);
}

void ConnectionTestStatus::clear() {
    m_running = false;
    m_progress->hide();
    m_label->clear();
}

QString ConnectionTestStatus::text() const { return m_label->text(); }

}  // namespace ar::gui
