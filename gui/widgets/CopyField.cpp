#include "widgets/CopyField.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>

#include "Icons.h"

namespace ar::gui {

CopyField::CopyField(const QString& accessibleName, QWidget* parent) : QWidget(parent) {
    m_edit = new QLineEdit(this);
    m_edit->setReadOnly(true);
    m_edit->setAccessibleName(accessibleName);
    m_copy = new QToolButton(this);
    m_copy->setIcon(icon(QStringLiteral("copy")));
    m_copy->setText(tr("Copy"));
    m_copy->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copy->setAccessibleName(tr("Copy %1").arg(accessibleName));
    m_copy->setToolTip(tr("Copy to the clipboard"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_copy);
    connect(m_copy, &QToolButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_edit->text());
        m_copy->setText(tr("Copied"));
        QTimer::singleShot(1500, m_copy, [b = m_copy] { b->setText(tr("Copy")); });
        Q_EMIT copied();
    });
}

void CopyField::setText(const QString& text) {
    m_edit->setText(text);
    m_edit->setCursorPosition(0);
}

QString CopyField::text() const { return m_edit->text(); }

void CopyField::setMonospace(bool on) {
    m_edit->setFont(on ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : QFont());
}

}  // namespace ar::gui
